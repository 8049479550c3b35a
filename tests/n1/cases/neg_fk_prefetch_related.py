"""`prefetch_related('author')` on an FK: one extra query, not one per book."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author.name for b in Book.objects.prefetch_related("author")]
