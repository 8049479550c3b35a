"""A relation read in a loop over `.iterator()`: the prefetch fix needs `chunk_size`."""

# golden-fix: Author.objects.iterator() => Author.objects.prefetch_related("books").iterator(chunk_size=2000)

from __future__ import annotations

from library.models import Author


def run() -> list[list[str]]:
    rows = []
    for a in Author.objects.iterator():
        rows.append([b.title for b in a.books.all()])  # expect: DJV102
    return rows
