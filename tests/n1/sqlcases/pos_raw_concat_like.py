"""`Manager.raw()` with `+` concatenation inside a `LIKE` pattern."""

from __future__ import annotations

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = "ook 1", "zzz", "zzz%' OR 1=1 OR title LIKE '"


def query(term):
    books = Book.objects.raw("SELECT * FROM library_book WHERE title LIKE '%" + term + "%' ORDER BY id")  # expect: DJV220
    return [book.title for book in books]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
