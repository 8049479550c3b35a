"""The property and the method read relations that are selected."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.select_related("author", "publisher"):
        rows.append(f"{b.author_name} / {b.publisher_label()}")
    return rows
