"""`QuerySet.extra(where=[...])` with an f-string."""

from __future__ import annotations

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = "Book 1", "No such book", "x' OR '1'='1"


def query(title):
    return list(Book.objects.extra(where=[f"title = '{title}'"]).values_list("title", flat=True))  # expect: DJV220


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
