"""Chapters are prefetched, their `editor` is not."""

# golden-fix: prefetch_related("chapters") => prefetch_related("chapters__editor")

from __future__ import annotations

from library.models import Book


def run() -> dict[str, list[str]]:
    return {
        b.title: [c.editor.name for c in b.chapters.all()]  # expect: DJV103
        for b in Book.objects.prefetch_related("chapters")
    }
