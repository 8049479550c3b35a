"""`select_related()` without arguments follows the non-null FKs read here."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.select_related():
        rows.append(f"{b.author.name} / {b.created_by.username}")
    return rows
