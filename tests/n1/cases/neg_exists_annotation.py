"""An `Exists` subquery annotation instead of `.exists()` per row."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from library.models import Author, Book


def run() -> list[str]:
    published = Book.objects.filter(author=OuterRef("pk"), is_published=True)
    authors = Author.objects.annotate(has_published=Exists(published))
    return [a.name for a in authors if a.has_published]
