"""Every loop shape (list, sorted, enumerate, generator, dict) over a selecting queryset."""

from __future__ import annotations

from operator import attrgetter

from library.models import Book


def run() -> dict[str, object]:
    books = Book.objects.select_related("author", "publisher")
    as_list = [b.author.name for b in list(books)]
    as_sorted = [b.author.name for b in sorted(books, key=attrgetter("title"))]
    numbered = [f"{i}. {b.publisher.name}" for i, b in enumerate(books, 1)]
    joined = ", ".join(b.author.name for b in books)
    by_title = {b.title: b.publisher.name for b in books}
    return {
        "list": as_list,
        "sorted": as_sorted,
        "numbered": numbered,
        "joined": joined,
        "by_title": by_title,
    }
