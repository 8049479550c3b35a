"""The property `Book.author_name` reads `self.author.name`."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author_name for b in Book.objects.all()]  # expect: DJV101
