"""`.first()` on a prefetched relation of an unordered model adds `ORDER BY pk`.

The new ordering bypasses the prefetch cache: one query per book. (On an ordered model
`first()` reads the cache: see `neg_rel_first_prefetched_ordered`.)
"""

# golden-fix: b.reviews.first() => min(b.reviews.all(), key=attrgetter("pk"), default=None)
# golden-fix: from library.models import Book => from operator import attrgetter\n\nfrom library.models import Book

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    firsts = []
    for b in Book.objects.prefetch_related("reviews"):
        first = b.reviews.first()  # expect: DJV104
        firsts.append(first.text if first else "")
    return firsts
