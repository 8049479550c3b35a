"""Reverse FKs by `related_name` and by default name, prefetched."""

from __future__ import annotations

from library.models import Author, Publisher


def run() -> list[list[str]]:
    authors = Author.objects.prefetch_related("books")
    rows = [[b.title for b in a.books.all()] for a in authors]
    for p in Publisher.objects.prefetch_related("book_set"):
        rows.append([b.title for b in p.book_set.all()])
    return rows
