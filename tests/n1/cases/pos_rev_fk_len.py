"""`len(a.books.all())` loads the books of every author, one query each."""

# golden-fix: Author.objects.all() => Author.objects.prefetch_related("books").all()

from __future__ import annotations

from library.models import Author


def run() -> list[int]:
    return [len(a.books.all()) for a in Author.objects.all()]  # expect: DJV102
