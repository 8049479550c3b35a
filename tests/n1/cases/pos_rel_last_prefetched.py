"""`.last()` on a prefetched relation reverses the ordering: a new query per author."""

# golden-fix: a.books.last() => (list(a.books.all()) or [None])[-1]

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    lasts = []
    for a in Author.objects.prefetch_related("books"):
        last = a.books.last()  # expect: DJV104
        lasts.append(last.title if last else "")
    return lasts
