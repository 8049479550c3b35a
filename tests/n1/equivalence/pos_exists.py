"""DJV120: truthiness of a queryset fetches every row; `exists()` asks for one."""

# claim: sql-has "LIMIT 1"

from __future__ import annotations

from library.models import Book, Chapter


def run() -> list[str]:
    found = []
    if Chapter.objects.filter(number=1):  # expect: DJV120
        found.append("chapters")
    if Book.objects.filter(title__startswith="Book").count() > 0:  # expect: DJV120
        found.append("books")
    if len(Book.objects.filter(title="none")) == 0:  # expect: DJV120
        found.append("no match")
    return found
