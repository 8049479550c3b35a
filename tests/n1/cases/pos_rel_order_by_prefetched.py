"""`.order_by()` on a prefetched relation bypasses the cache."""

# golden-fix: a.books.order_by("-title") => sorted(a.books.all(), key=lambda b: b.title, reverse=True)

from __future__ import annotations

from library.models import Author


def run() -> list[list[str]]:
    return [
        [b.title for b in a.books.order_by("-title")]  # expect: DJV104
        for a in Author.objects.prefetch_related("books")
    ]
