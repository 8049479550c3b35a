"""`.values_list()` on a prefetched relation bypasses the cache."""

# golden-fix: list(a.books.values_list("title", flat=True)) => [b.title for b in a.books.all()]

from __future__ import annotations

from library.models import Author


def run() -> list[list[str]]:
    rows = []
    for a in Author.objects.prefetch_related("books"):
        rows.append(list(a.books.values_list("title", flat=True)))  # expect: DJV104
    return rows
