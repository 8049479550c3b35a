"""`book_label()` reads `book.author`, which the loop's queryset selects."""

from __future__ import annotations

from library.models import Book
from library.services import book_label


def run() -> list[str]:
    return [book_label(b) for b in Book.objects.select_related("author")]
