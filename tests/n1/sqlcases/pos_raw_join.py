"""`Manager.raw()` with SQL assembled by `" ".join([...])`, an f-string among the pieces."""

from __future__ import annotations

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = "Book 1", "No such book", "x' OR '1'='1"


def query(title):
    books = Book.objects.raw(" ".join(["SELECT * FROM library_book WHERE title =", f"'{title}'", "ORDER BY id"]))  # expect: DJV220
    return [book.title for book in books]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
