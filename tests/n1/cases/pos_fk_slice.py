"""Slicing keeps the N+1: a loop over the first ten books."""

# golden-fix: Book.objects.all()[:10] => Book.objects.select_related("author").all()[:10]

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    names = []
    for b in Book.objects.all()[:10]:
        names.append(b.author.name)  # expect: DJV101
    return names
