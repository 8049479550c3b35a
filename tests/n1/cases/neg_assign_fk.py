"""Assigning to an FK attribute is not an access (no save: nothing is written)."""

from __future__ import annotations

from library.models import Book


def run() -> list[list[object]]:
    rows = []
    for b in Book.objects.all():
        b.publisher = None
        rows.append([b.title, b.publisher_id])
    return rows
