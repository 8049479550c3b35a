"""Forward and reverse M2M, both prefetched."""

from __future__ import annotations

from library.models import Book, Tag


def run() -> dict[str, list[str]]:
    rows = {b.title: [t.name for t in b.tags.all()] for b in Book.objects.prefetch_related("tags")}
    for t in Tag.objects.prefetch_related("book_set"):
        rows[t.name] = [b.title for b in t.book_set.all()]
    return rows
