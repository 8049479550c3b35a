"""`cursor.execute()` in `with connection.cursor() as cursor`, a multi-line f-string."""

from __future__ import annotations

from django.db import connection

BENIGN, NEUTRAL, PAYLOAD = "Author 1", "Nobody", "x' OR 'x'='x"


def query(name):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT library_book.title FROM library_book -- expect: DJV220 (an SQL comment)
            JOIN library_author ON library_author.id = library_book.author_id
            WHERE library_author.name = '{name}'
            ORDER BY library_book.id"""
        )
        return [row[0] for row in cursor.fetchall()]


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
