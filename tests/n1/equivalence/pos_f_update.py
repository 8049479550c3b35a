"""DJV114: read, add, save; the `F()` update writes the same value in one query."""

from __future__ import annotations

from library.models import Review


def run() -> list[int]:
    _bump()
    return list(Review.objects.order_by("pk").values_list("rating", flat=True))


def _bump() -> None:
    review = Review.objects.order_by("pk").first()
    review.rating += 1  # expect: DJV114
    review.save()
