"""`Manager.raw()` with `%` formatting of a quoted value."""

from __future__ import annotations

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = "Book 0", "No such book", "x' OR 'a'='a"


def query(title):
    sql = "SELECT * FROM library_book WHERE title = '%s' ORDER BY id" % title  # expect: DJV220
    return [book.title for book in Book.objects.raw(sql)]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
