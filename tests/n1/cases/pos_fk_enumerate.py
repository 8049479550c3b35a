"""A loop over `enumerate(queryset, 1)`."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    lines = []
    for number, b in enumerate(Book.objects.all(), 1):
        lines.append(f"{number}. {b.title} by {b.author.name}")  # expect: DJV101
    return lines
