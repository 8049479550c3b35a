"""A nullable FK named in `select_related()` is loaded (a LEFT OUTER JOIN)."""

from __future__ import annotations

from library.models import Author, Book


def run() -> list[str]:
    names = [b.publisher.name for b in Book.objects.select_related("publisher")]
    names += [a.mentor.name for a in Author.objects.select_related("mentor")]
    return names
