"""`RawSQL()` in `annotate()` with a number in the SQL."""

from __future__ import annotations

from django.db.models.expressions import RawSQL

from library.models import Book

BENIGN, NEUTRAL, PAYLOAD = 4, 99, "99 OR 1=1"


def query(rating):
    sql = f"SELECT COUNT(*) FROM library_review WHERE library_review.book_id = library_book.id AND rating >= {rating}"  # expect: DJV220
    books = Book.objects.annotate(good=RawSQL(sql, [])).order_by("id")
    return [[book.title, book.good] for book in books]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
