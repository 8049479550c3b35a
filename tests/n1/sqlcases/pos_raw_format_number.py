"""`Manager.raw()` with `.format()` of an unquoted number."""

from __future__ import annotations

from library.models import Author, Book

NEUTRAL, PAYLOAD = "-1", "-1 OR 1=1"


def query(author_id):
    sql = "SELECT * FROM library_book WHERE author_id = {} ORDER BY id".format(author_id)  # expect: DJV220
    return [book.title for book in Book.objects.raw(sql)]


def run():
    benign = Author.objects.order_by("id").values_list("id", flat=True).first()
    return {"benign": query(benign), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
