"""A reverse M2M by its default name (`tag.book_set`)."""

# golden-fix: Tag.objects.all() => Tag.objects.prefetch_related("book_set").all()

from __future__ import annotations

from library.models import Tag


def run() -> dict[str, list[str]]:
    books_by_tag = {}
    for t in Tag.objects.all():
        titles = [b.title for b in t.book_set.all()]  # expect: DJV102
        books_by_tag[t.name] = sorted(titles)
    return books_by_tag
