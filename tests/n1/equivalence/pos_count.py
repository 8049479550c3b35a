"""DJV119: `len()` of a queryset fetches every row; `count()` counts in the database."""

# claim: sql-has "COUNT("

from __future__ import annotations

from library.models import Book


def run() -> int:
    return len(Book.objects.filter(is_published=True))  # expect: DJV119
