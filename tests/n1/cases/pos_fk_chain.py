"""`select_related('author')` does not load `author.mentor`: the second hop is N+1."""

# golden-fix: select_related("author") => select_related("author__mentor")

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    books = Book.objects.select_related("author")
    return [b.author.mentor.name for b in books]  # expect: DJV101
