"""`Prefetch(..., to_attr=...)` then reading the `to_attr` list."""

from __future__ import annotations

from django.db.models import Prefetch
from library.models import Author, Book


def run() -> list[list[str]]:
    published = Book.objects.filter(is_published=True)
    authors = Author.objects.prefetch_related(
        Prefetch("books", queryset=published, to_attr="published_books")
    )
    return [[b.title for b in a.published_books] for a in authors]
