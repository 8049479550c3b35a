"""Import books from the distributor's CSV feed.

    python manage.py import_books feed.csv

Columns: isbn, title, author, publisher, price, stock, tags (comma separated).
"""

import csv
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from catalog.models import Author, Book, Publisher, Tag


class Command(BaseCommand):
    help = "Import books from the distributor's CSV feed"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--unpublished", action="store_true", help="import as drafts")

    @transaction.atomic
    def handle(self, *args, path, unpublished, **options):
        try:
            with open(path, newline="", encoding="utf-8") as feed:
                rows = list(csv.DictReader(feed))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc

        created = 0
        for row in rows:
            if Book.objects.filter(isbn=row["isbn"]).exists():
                continue
            author, _ = Author.objects.get_or_create(name=row["author"].strip())
            publisher, _ = Publisher.objects.get_or_create(name=row["publisher"].strip())
            book = Book.objects.create(
                isbn=row["isbn"],
                title=row["title"],
                slug=slugify(f"{row['title']}-{row['isbn']}"),
                author=author,
                publisher=publisher,
                price=Decimal(row["price"]),
                stock=int(row["stock"] or 0),
                is_published=not unpublished,
            )
            for name in filter(None, (t.strip() for t in row.get("tags", "").split(","))):
                tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
                book.tags.add(tag)
            created += 1

        self.stdout.write(self.style.SUCCESS(f"Imported {created} of {len(rows)} books"))
