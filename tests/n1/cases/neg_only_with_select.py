"""`only()` across a selected FK."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    books = Book.objects.select_related("author").only("title", "author__name")
    return [f"{b.title} by {b.author.name}" for b in books]
