"""The method `Book.publisher_label()` reads `self.publisher.name`."""

# golden-fix: Book.objects.all() => Book.objects.select_related("publisher").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    labels = []
    for b in Book.objects.all():
        labels.append(b.publisher_label())  # expect: DJV101
    return labels
