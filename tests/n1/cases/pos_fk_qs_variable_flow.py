"""The queryset is built in steps in a variable before the loop."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    books = Book.objects.all()
    books = books.filter(is_published=True)
    books = books.order_by("-title")
    names = []
    for b in books:
        names.append(b.author.name)  # expect: DJV101
    return names
