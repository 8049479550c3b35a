"""`p.book_set.exists()` in a loop; a prefetched relation answers it from the cache."""

# golden-fix: Publisher.objects.all() => Publisher.objects.prefetch_related("book_set").all()

from __future__ import annotations

from library.models import Publisher


def run() -> list[str]:
    names = []
    for p in Publisher.objects.all():
        if p.book_set.exists():  # expect: DJV102
            names.append(p.name)
    return names
