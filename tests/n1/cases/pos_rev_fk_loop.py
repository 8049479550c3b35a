"""A reverse FK with `related_name` (`author.books`) iterated in a loop."""

# golden-fix: Author.objects.all() => Author.objects.prefetch_related("books").all()

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    titles = []
    for a in Author.objects.all():
        for b in a.books.all():  # expect: DJV102
            titles.append(f"{a.name}: {b.title}")
    return titles
