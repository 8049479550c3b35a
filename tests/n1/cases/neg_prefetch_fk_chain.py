"""`prefetch_related('author__mentor')`: two extra queries, whatever the row count."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    books = Book.objects.prefetch_related("author__mentor")
    return [b.author.mentor.name for b in books]
