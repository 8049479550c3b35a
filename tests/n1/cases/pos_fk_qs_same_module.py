"""The queryset comes from a function of the same module; the fix goes at the call site."""

# golden-fix: in published_books()] => in published_books().select_related("author")]

from __future__ import annotations

from django.db.models import QuerySet
from library.models import Book


def published_books() -> QuerySet[Book]:
    return Book.objects.filter(is_published=True)


def run() -> list[str]:
    return [b.author.name for b in published_books()]  # expect: DJV101
