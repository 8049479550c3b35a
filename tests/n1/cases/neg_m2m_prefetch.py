"""Forward and reverse M2M, both prefetched."""

from __future__ import annotations

from library.models import Book, Tag


def run() -> dict[str, list[str]]:
    books = Book.objects.prefetch_related("tags")
    rows = {b.title: [t.name for t in b.tags.all()] for b in books}
    for t in Tag.objects.prefetch_related("book_set"):
        rows[t.name] = [b.title for b in t.book_set.all()]
    return rows
