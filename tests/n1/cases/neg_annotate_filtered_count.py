"""A filtered `Count` over a reverse M2M, annotated once."""

from __future__ import annotations

from django.db.models import Count, Q
from library.models import Tag


def run() -> dict[str, int]:
    tags = Tag.objects.annotate(n=Count("book", filter=Q(book__is_published=True)))
    return {t.name: t.n for t in tags}
