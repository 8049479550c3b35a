"""`select_related()` after the manager-only method `recent()`."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author.name for b in Book.objects.recent().select_related("author")]
