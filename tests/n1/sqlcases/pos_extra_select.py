"""`QuerySet.extra(select={...})` with `%` formatting: the value goes to `select_params`."""

from __future__ import annotations

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = "Book 1", "No such book", "x' OR '1'='1"


def query(title):
    books = Book.objects.extra(select={"hit": "title = '%s'" % title}).order_by("id")  # expect: DJV220
    return [[book.title, bool(book.hit)] for book in books]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
