"""A field left out by `only()` is loaded with one query per row when read."""

# golden-fix: only("title") => only("title", "is_published")

from __future__ import annotations

from library.models import Book


def run() -> list[list[object]]:
    rows = []
    for b in Book.objects.only("title"):
        rows.append([b.title, b.is_published])  # expect: DJV101
    return rows
