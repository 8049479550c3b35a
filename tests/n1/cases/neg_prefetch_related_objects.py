"""`prefetch_related_objects()` on an evaluated list loads the authors at once."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from library.models import Book


def run() -> list[str]:
    books = list(Book.objects.all())
    prefetch_related_objects(books, "author")
    return [f"{b.title} by {b.author.name}" for b in books]
