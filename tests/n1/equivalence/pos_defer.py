"""DJV112: the loop reads titles; the large `body` column stays in the database."""

# claim: sql-lacks "body"

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    titles = []
    for book in Book.objects.filter(is_published=True):  # expect: DJV112
        titles.append(book.title)
    return titles
