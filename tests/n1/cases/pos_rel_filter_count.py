"""A filtered count on a reverse M2M (`tag.book_set`) per tag."""

# golden-fix: Tag.objects.all() => Tag.objects.annotate(n=Count("book", filter=Q(book__is_published=True)))
# golden-fix: t.book_set.filter(is_published=True).count() => t.n
# golden-fix: from library.models import Tag => from django.db.models import Count, Q\n\nfrom library.models import Tag

from __future__ import annotations

from library.models import Tag


def run() -> dict[str, int]:
    counts = {}
    for t in Tag.objects.all():
        counts[t.name] = t.book_set.filter(is_published=True).count()  # expect: DJV104
    return counts
