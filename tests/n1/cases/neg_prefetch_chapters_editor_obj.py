"""`Prefetch('chapters', queryset=Chapter.objects.select_related('editor'))`."""

from __future__ import annotations

from django.db.models import Prefetch
from library.models import Book, Chapter


def run() -> dict[str, list[str]]:
    chapters = Chapter.objects.select_related("editor")
    books = Book.objects.prefetch_related(Prefetch("chapters", queryset=chapters))
    return {b.title: [c.editor.name for c in b.chapters.all()] for b in books}
