"""`select_related()` before `.iterator()`."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author.name for b in Book.objects.select_related("author").iterator()]
