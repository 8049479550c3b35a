"""`b.publisher.pk` fetches the publisher to read `b.publisher_id`."""

# golden-fix: b.publisher.pk => b.publisher_id

from __future__ import annotations

from library.models import Book


def run() -> list[int]:
    ids = []
    for b in Book.objects.filter(title__startswith="Book"):
        ids.append(b.publisher.pk)  # expect: DJV109
    return ids
