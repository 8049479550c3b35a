"""`.values_list()` across an FK is one query."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [
        f"{title} ({publisher})"
        for title, publisher in Book.objects.values_list("title", "publisher__name")
    ]
