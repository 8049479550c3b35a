"""`with_author()` selects `author` but not `publisher`."""

# golden-fix: .with_author() => .with_author().select_related("publisher")

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.published().with_author():
        rows.append(b.author.name)
        rows.append(b.publisher.name)  # expect: DJV101
    return rows
