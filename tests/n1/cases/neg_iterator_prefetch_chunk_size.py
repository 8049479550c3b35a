"""`.iterator(chunk_size=...)` keeps `prefetch_related()` working (per chunk)."""

from __future__ import annotations

from library.models import Author


def run() -> list[list[str]]:
    rows = []
    for a in Author.objects.prefetch_related("books").iterator(chunk_size=100):
        rows.append([b.title for b in a.books.all()])
    return rows
