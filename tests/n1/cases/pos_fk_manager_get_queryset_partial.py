"""`ChapterManager.get_queryset` selects `book`, not `editor`."""

# golden-fix: Chapter.objects.all() => Chapter.objects.select_related("editor").all()

from __future__ import annotations

from library.models import Chapter


def run() -> list[str]:
    rows = []
    for c in Chapter.objects.all():
        rows.append(c.book.title)
        rows.append(c.editor.name)  # expect: DJV101
    return rows
