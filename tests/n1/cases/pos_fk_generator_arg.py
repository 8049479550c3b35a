"""`b.publisher.name` in a generator passed to `str.join`."""

# golden-fix: Book.objects.order_by( => Book.objects.select_related("publisher").order_by(

from __future__ import annotations

from library.models import Book


def run() -> str:
    return ", ".join(
        b.publisher.name  # expect: DJV101
        for b in Book.objects.order_by("title")
    )
