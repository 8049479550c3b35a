"""An identifier from a variable next to a value: no automatic fix (ORDER BY cannot
take a parameter), the text stays as it is."""

from __future__ import annotations

from library.models import Book


def query(title, order):
    sql = f"SELECT * FROM library_book WHERE title = '{title}' ORDER BY {order}"  # expect: DJV220
    return [book.title for book in Book.objects.raw(sql)]


def run():
    return {"benign": query("Book 1", "id"), "neutral": query("No such book", "id"),
            "payload": query("x' OR '1'='1", "id")}
