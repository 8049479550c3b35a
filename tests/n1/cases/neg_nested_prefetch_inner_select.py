"""A `Prefetch` whose inner queryset selects `publisher` (one query fewer)."""

from __future__ import annotations

from django.db.models import Prefetch
from library.models import Author, Book


def run() -> list[str]:
    books = Prefetch("books", queryset=Book.objects.select_related("publisher"))
    rows = []
    for a in Author.objects.prefetch_related(books):
        for b in a.books.all():
            rows.append(f"{b.title}: {b.publisher.name}")
    return rows
