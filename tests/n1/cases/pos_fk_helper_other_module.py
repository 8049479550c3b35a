"""`library.services.book_label()` reads `book.author`; the finding is at the call."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book
from library.services import book_label


def run() -> list[str]:
    labels = []
    for b in Book.objects.all():
        labels.append(book_label(b))  # expect: DJV101
    return labels
