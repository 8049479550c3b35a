"""`cursor.execute()` that already takes a parameter: the new one is merged in order."""

from __future__ import annotations

from django.db import connections

BENIGN, NEUTRAL, PAYLOAD = "Book 0", "No such book", "x' OR '1'='1"


def query(title):
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT id FROM library_book WHERE is_published = %s AND title = '" + title + "'", [True])  # expect: DJV220
        return len(cursor.fetchall())


def run():
    return {"benign": query(BENIGN), "neutral": query(NEUTRAL), "payload": query(PAYLOAD)}
