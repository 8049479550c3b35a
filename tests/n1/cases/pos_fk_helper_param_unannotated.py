"""A helper loops over an un-annotated parameter (only call-site inference types it)."""

# golden-fix: author_names(Book.objects.all()) => author_names(Book.objects.select_related("author").all())

from __future__ import annotations

from library.models import Book


def author_names(books):
    return [b.author.name for b in books]  # expect: DJV101


def run() -> list[str]:
    return author_names(Book.objects.all())
