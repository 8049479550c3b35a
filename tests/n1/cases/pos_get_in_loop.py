"""`Author.objects.get()` keyed by the loop variable: one query per book."""

# golden-fix: for b in Book.objects.all(): => authors = Author.objects.in_bulk()\n    for b in Book.objects.all():
# golden-fix: Author.objects.get(pk=b.author_id) => authors[b.author_id]

from __future__ import annotations

from library.models import Author, Book


def run() -> list[str]:
    names = []
    for b in Book.objects.all():
        author = Author.objects.get(pk=b.author_id)  # expect: DJV108
        names.append(author.name)
    return names
