"""Neither `chapters` nor the chapters' `editor` is loaded (16/31 queries at 5/10 rows).

The relation line is DJV102; the FK read on the relation's items is DJV103, whose fix
(`prefetch_related('chapters__editor')` or a `Prefetch` with `select_related`) covers both.
"""

# golden-fix: Book.objects.all() => Book.objects.prefetch_related("chapters__editor").all()

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    rows = []
    for b in Book.objects.all():
        for c in b.chapters.all():  # expect: DJV102
            rows.append(f"{c.title}: {c.editor.name}")  # expect: DJV103
    return rows
