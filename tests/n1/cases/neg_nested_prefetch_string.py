"""`prefetch_related('books__publisher')` loads books and their publishers."""

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    rows = []
    for a in Author.objects.prefetch_related("books__publisher"):
        for b in a.books.all():
            rows.append(f"{b.title}: {b.publisher.name}")
    return rows
