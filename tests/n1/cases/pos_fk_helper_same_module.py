"""A helper of the same module reads `book.author`; the finding is at the call."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book


def describe(book: Book) -> str:
    return f"{book.title}: {book.author.name}"


def run() -> list[str]:
    return [describe(b) for b in Book.objects.all()]  # expect: DJV101
