"""`annotate()` keeps the model: `b.author` is still one query per book."""

# golden-fix: Book.objects.annotate( => Book.objects.select_related("author").annotate(

from __future__ import annotations

from django.db.models import Count
from library.models import Book


def run() -> list[str]:
    return [
        f"{b.author.name}: {b.n_tags}"  # expect: DJV101
        for b in Book.objects.annotate(n_tags=Count("tags"))
    ]
