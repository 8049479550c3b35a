"""`cursor.execute()` without params and a literal `%`: it must become `%%` once the
query takes parameters."""

from __future__ import annotations

from django.db import connection

NEUTRAL, PAYLOAD = -1, "-1 OR 1=1"


def query(book_id):
    cursor = connection.cursor()
    try:
        cursor.execute(f"SELECT title FROM library_book WHERE body LIKE 'The text%' AND id = {book_id}")  # expect: DJV220
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


def run():
    from library.models import Book

    benign = Book.objects.order_by("id").values_list("id", flat=True).first()
    return {"benign": query(benign), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
