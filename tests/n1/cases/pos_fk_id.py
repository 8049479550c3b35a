"""`b.author.id` fetches the author to read a value `b.author_id` already holds."""

# golden-fix: b.author.id => b.author_id

from __future__ import annotations

from library.models import Book


def run() -> list[int]:
    return [b.author.id for b in Book.objects.all()]  # expect: DJV109
