"""Every field read is named in `only()`."""

from __future__ import annotations

from library.models import Book


def run() -> list[list[object]]:
    books = Book.objects.only("title", "is_published")
    return [[b.title, b.is_published] for b in books]
