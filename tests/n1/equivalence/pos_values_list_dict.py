"""DJV113: a dict comprehension becomes `dict(values_list(...))`."""

# claim: sql-lacks "body"

from __future__ import annotations

from library.models import Book


def run() -> dict[str, str]:
    return {str(key): value for key, value in _pairs().items()}


def _pairs() -> dict[int, str]:
    return {book.pk: book.title for book in Book.objects.all()}  # expect: DJV113
