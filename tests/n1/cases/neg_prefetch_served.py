"""On a prefetched relation `.all()`, `.count()`, `.exists()` and `len()` use the cache."""

from __future__ import annotations

from library.models import Author


def run() -> list[list[object]]:
    rows = []
    for a in Author.objects.prefetch_related("books"):
        titles = [b.title for b in a.books.all()]
        rows.append([titles, a.books.count(), a.books.exists(), len(a.books.all())])
    return rows
