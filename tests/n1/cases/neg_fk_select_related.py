"""`select_related('author')` loads the author in the same query."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    names = []
    for b in Book.objects.select_related("author"):
        names.append(b.author.name)
    return names
