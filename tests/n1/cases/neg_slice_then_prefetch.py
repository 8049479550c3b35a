"""`prefetch_related()` after a slice is legal and loads the books."""

from __future__ import annotations

from library.models import Author


def run() -> list[list[str]]:
    authors = Author.objects.all()[:10].prefetch_related("books")
    return [[b.title for b in a.books.all()] for a in authors]
