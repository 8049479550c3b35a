"""`ChapterManager.get_queryset` selects `book` for every chapter query."""

from __future__ import annotations

from library.models import Chapter


def run() -> list[str]:
    return [f"{c.title} in {c.book.title}" for c in Chapter.objects.all()]
