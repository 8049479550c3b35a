"""`Manager.raw()` with `%(name)s` formatting from a dict."""

from __future__ import annotations

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = "Book 1", "No such book", "x' OR 1=1 OR title = '"


def query(title):
    sql = "SELECT * FROM library_book WHERE title = '%(title)s' ORDER BY id" % {"title": title}  # expect: DJV220
    return [book.title for book in Book.objects.raw(sql)]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
