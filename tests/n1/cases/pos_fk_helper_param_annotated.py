"""A helper loops over its `QuerySet[Book]` parameter; the fix goes where it is called."""

# golden-fix: author_names(Book.objects.all()) => author_names(Book.objects.select_related("author").all())

from __future__ import annotations

from django.db.models import QuerySet
from library.models import Book


def author_names(books: QuerySet[Book]) -> list[str]:
    return [b.author.name for b in books]  # expect: DJV101


def run() -> list[str]:
    return author_names(Book.objects.all())
