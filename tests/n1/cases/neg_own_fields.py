"""A loop reading the book's own columns only."""

from __future__ import annotations

from library.models import Book


def run() -> list[list[object]]:
    rows = []
    for b in Book.objects.all():
        rows.append([b.title, b.is_published, len(b.body)])
    return rows
