"""Aggregates and a `.count()` outside any loop."""

from __future__ import annotations

from django.db.models import Count
from library.models import Author, Book


def run() -> list[int]:
    totals = Author.objects.aggregate(n=Count("books"))
    tagged = Book.objects.filter(tags__name="tag0")
    return [totals["n"], Book.objects.count(), tagged.count()]
