"""`.first()` on a prefetched relation of an ordered model (`Book.Meta.ordering`).

`first()` only slices an already ordered queryset, and slicing a prefetched relation
reads the cache: no query per author.
"""

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    firsts = []
    for a in Author.objects.prefetch_related("books"):
        first = a.books.first()
        firsts.append(first.title if first else "")
    return firsts
