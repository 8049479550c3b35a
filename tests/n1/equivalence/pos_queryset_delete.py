"""DJV117: deleting row by row runs the cascade collector per row; `QuerySet.delete()`
collects once (books cascade to chapters and reviews)."""

# claim: constant
# claim: fewer

from __future__ import annotations

from library.models import Book, Chapter, Review


def run() -> dict[str, list[str]]:
    _purge()
    return {
        "books": list(Book.objects.order_by("pk").values_list("title", flat=True)),
        "chapters": sorted(Chapter.objects.values_list("title", flat=True)),
        "reviews": sorted(Review.objects.values_list("text", flat=True)),
    }


def _purge() -> None:
    for book in Book.objects.filter(is_published=False):
        book.delete()  # expect: DJV117
