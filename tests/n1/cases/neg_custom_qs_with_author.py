"""The custom QuerySet method `with_author()` selects `author`."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [b.author.name for b in Book.objects.published().with_author()]
