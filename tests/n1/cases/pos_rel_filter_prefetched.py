"""`.filter()` on a prefetched relation runs a new query per author (cache bypass).

No automatic fix: the loop must read a `Prefetch(..., to_attr=...)` list instead.
"""

# golden-fix: prefetch_related("books") => prefetch_related(Prefetch("books", queryset=Book.objects.filter(is_published=True), to_attr="published"))
# golden-fix: a.books.filter(is_published=True) => a.published
# golden-fix: from library.models import Author => from django.db.models import Prefetch\n\nfrom library.models import Author, Book

from __future__ import annotations

from library.models import Author


def run() -> list[list[str]]:
    rows = []
    for a in Author.objects.prefetch_related("books"):
        published = a.books.filter(is_published=True)  # expect: DJV104
        rows.append([b.title for b in published])
    return rows
