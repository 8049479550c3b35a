"""A loop over `.iterator()` (select_related needs no `chunk_size`)."""

# golden-fix: Book.objects.iterator() => Book.objects.select_related("author").iterator()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    names = []
    for b in Book.objects.iterator():
        names.append(b.author.name)  # expect: DJV101
    return names
