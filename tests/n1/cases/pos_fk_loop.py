"""`b.author.name` in a `for` loop over all books: one author query per book."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    names = []
    for b in Book.objects.all():
        names.append(b.author.name)  # expect: DJV101
    return names
