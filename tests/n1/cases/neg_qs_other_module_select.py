"""`library.services.books_with_authors()` returns a queryset that selects `author`."""

from __future__ import annotations

from library.services import books_with_authors


def run() -> list[str]:
    return [b.author.name for b in books_with_authors()]
