"""A `Prefetch` whose inner queryset lacks the `select_related` its items need."""

# golden-fix: queryset=Book.objects.filter( => queryset=Book.objects.select_related("publisher").filter(

from __future__ import annotations

from django.db.models import Prefetch
from library.models import Author, Book


def run() -> list[str]:
    published = Prefetch("books", queryset=Book.objects.filter(is_published=True))
    rows = []
    for a in Author.objects.prefetch_related(published):
        for b in a.books.all():
            rows.append(b.publisher.name)  # expect: DJV103
    return rows
