"""Books are prefetched, their `publisher` is not (nested N+1)."""

# golden-fix: prefetch_related("books") => prefetch_related(Prefetch("books", queryset=Book.objects.select_related("publisher")))
# golden-fix: from library.models import Author => from django.db.models import Prefetch\n\nfrom library.models import Author, Book

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    rows = []
    for a in Author.objects.prefetch_related("books"):
        for b in a.books.all():
            rows.append(f"{b.title}: {b.publisher.name}")  # expect: DJV103
    return rows
