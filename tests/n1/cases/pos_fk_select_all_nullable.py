"""`select_related()` without arguments follows non-null FKs only.

The fix names every single-valued path the loop reads: naming only `publisher` would
stop `select_related()` from following `author`.
"""

# golden-fix: Book.objects.select_related() => Book.objects.select_related("author", "publisher")

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.select_related():
        # `author` is a non-null FK: `select_related()` follows it.
        rows.append(b.author.name)
        # `publisher` is nullable: `select_related()` skips it.
        rows.append(b.publisher.name)  # expect: DJV101
    return rows
