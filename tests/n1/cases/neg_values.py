"""`.values()` with a related field: one query with a join, dicts instead of instances."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for row in Book.objects.values("title", "author__name"):
        rows.append(f"{row['title']} by {row['author__name']}")
    return rows
