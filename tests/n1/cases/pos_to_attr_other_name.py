"""`Prefetch(..., to_attr=...)` loads only its `to_attr`: `a.books.all()` is still N+1."""

# golden-fix: to_attr="published_books") => to_attr="published_books"), "books"

from __future__ import annotations

from django.db.models import Prefetch
from library.models import Author, Book


def run() -> list[list[str]]:
    published = Book.objects.filter(is_published=True)
    authors = Author.objects.prefetch_related(
        Prefetch("books", queryset=published, to_attr="published_books")
    )
    rows = []
    for a in authors:
        rows.append([b.title for b in a.published_books])
        rows.append([b.title for b in a.books.all()])  # expect: DJV102
    return rows
