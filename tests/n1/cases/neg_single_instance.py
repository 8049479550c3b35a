"""One book's relations: a loop over one instance's tags is not an N+1."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    book = Book.objects.get(title="Book 0")
    return [book.author.name] + [t.name for t in book.tags.all()]
