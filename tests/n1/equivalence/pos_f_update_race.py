"""DJV114: another request updates the row between our read and our save. The
read-modify-write loses its update; the `F()` update keeps both."""

# claim: keeps-concurrent-update 10

from __future__ import annotations

from django.db.models import F

from library.models import Review


def run() -> int:
    first = Review.objects.order_by("pk").first()
    pk = first.pk
    _bump(pk)
    return Review.objects.get(pk=pk).rating


def _bump(pk: int) -> None:
    review = Review.objects.get(pk=pk)
    Review.objects.filter(pk=pk).update(rating=F("rating") + 10)  # the other request
    review.rating += 1  # expect: DJV114
    review.save()
