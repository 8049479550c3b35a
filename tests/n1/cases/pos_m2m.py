"""A forward M2M (`book.tags`) in a dict comprehension."""

# golden-fix: Book.objects.all() => Book.objects.prefetch_related("tags").all()

from __future__ import annotations

from library.models import Book


def run() -> dict[str, list[str]]:
    return {
        b.title: [t.name for t in b.tags.all()]  # expect: DJV102
        for b in Book.objects.all()
    }
