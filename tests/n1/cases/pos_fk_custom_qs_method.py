"""A custom QuerySet method (`BookQuerySet.published`) through the manager."""

# golden-fix: Book.objects.published() => Book.objects.select_related("author").published()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author.name for b in Book.objects.published()]  # expect: DJV101
