"""DJV113: instances built only to read a column; `values_list()` fetches the column."""

# claim: sql-lacks "body"

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [book.title for book in Book.objects.filter(is_published=True)]  # expect: DJV113
