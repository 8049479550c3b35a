"""`str(b)` calls `Book.__str__`, which reads `self.author.name`."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    labels = []
    for b in Book.objects.all():
        labels.append(str(b))  # expect: DJV101
    return labels
