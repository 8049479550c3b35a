"""`b.author.name` in a list comprehension over published books."""

# golden-fix: Book.objects.filter( => Book.objects.select_related("author").filter(

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [
        b.author.name  # expect: DJV101
        for b in Book.objects.filter(is_published=True)
    ]
