"""`str(b)` reads `self.author`, which `select_related('author')` loaded."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [str(b) for b in Book.objects.select_related("author")]
