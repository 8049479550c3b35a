"""A reverse FK by its default name (`publisher.book_set`)."""

# golden-fix: Publisher.objects.all() => Publisher.objects.prefetch_related("book_set").all()

from __future__ import annotations

from library.models import Publisher


def run() -> list[list[str]]:
    return [
        [b.title for b in p.book_set.all()]  # expect: DJV102
        for p in Publisher.objects.all()
    ]
