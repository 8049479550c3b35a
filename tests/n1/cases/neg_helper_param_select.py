"""A helper loops over its parameter; the caller passes a queryset that selects."""

from __future__ import annotations

from django.db.models import QuerySet
from library.models import Book


def author_names(books: QuerySet[Book]) -> list[str]:
    return [b.author.name for b in books]


def run() -> list[str]:
    return author_names(Book.objects.select_related("author"))
