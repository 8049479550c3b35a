"""Helpers imported by the cases: querysets built here, instances read here."""

from __future__ import annotations

from django.db.models import QuerySet

from library.models import Author, Book


def recent_books() -> QuerySet[Book]:
    return Book.objects.order_by("-id")


def books_with_authors() -> QuerySet[Book]:
    return Book.objects.select_related("author")


def book_label(book: Book) -> str:
    return f"{book.title} ({book.author.name})"


def mentor_name(author: Author) -> str:
    return author.mentor.name if author.mentor_id else ""
