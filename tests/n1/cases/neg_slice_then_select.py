"""`select_related()` after a slice is legal and loads the author."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author.name for b in Book.objects.all()[:10].select_related("author")]
