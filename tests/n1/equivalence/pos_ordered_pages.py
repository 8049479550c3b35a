"""DJV123: pages of an unordered queryset; `order_by("pk")` makes them stable."""

# claim: sql-has "ORDER BY"

from __future__ import annotations

from django.core.paginator import Paginator

from library.models import Review


def run() -> list[list[str]]:
    paginator = Paginator(Review.objects.filter(rating__gte=3), 3)  # expect: DJV123
    return [[review.text for review in paginator.page(n).object_list] for n in paginator.page_range]
