"""`select_related('author__mentor')` loads both hops."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.select_related("author__mentor"):
        rows.append(f"{b.author.name} <- {b.author.mentor.name}")
    return rows
