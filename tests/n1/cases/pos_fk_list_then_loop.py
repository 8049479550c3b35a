"""`list(queryset)` first, then a loop over the list."""

# golden-fix: list(Book.objects.all()) => list(Book.objects.select_related("author").all())

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    books = list(Book.objects.all())
    titles = []
    for b in books:
        titles.append(f"{b.title}: {b.author.name}")  # expect: DJV101
    return titles
