"""A loop over `sorted(queryset, ...)`."""

# golden-fix: sorted(Book.objects.all() => sorted(Book.objects.select_related("author").all()

from __future__ import annotations

from operator import attrgetter

from library.models import Book


def run() -> list[str]:
    names = []
    for b in sorted(Book.objects.all(), key=attrgetter("title"), reverse=True):
        names.append(b.author.name)  # expect: DJV101
    return names
