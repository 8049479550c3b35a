"""DJV111: a misspelt field raises `FieldError` when the query runs; the fix runs."""

# claim: fixes-error FieldError

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return list(Book.objects.filter(titel__startswith="Book").values_list("title", flat=True))  # expect: DJV111
