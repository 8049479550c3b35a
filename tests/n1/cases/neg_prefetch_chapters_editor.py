"""`prefetch_related('chapters__editor')` loads chapters and editors."""

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.prefetch_related("chapters__editor"):
        for c in b.chapters.all():
            rows.append(f"{c.title}: {c.editor.name}")
    return rows
