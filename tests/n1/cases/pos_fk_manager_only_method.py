"""`BookManager.recent()` exists on the manager only: the fix must go after it.

Inserting the select before it would fail (`'BookQuerySet' object has no attribute`).
"""

# golden-fix: Book.objects.recent() => Book.objects.recent().select_related("author")

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    names = []
    for b in Book.objects.recent():
        names.append(b.author.name)  # expect: DJV101
    return names
