"""DJV116: one UPDATE per row; `bulk_update()` writes the changed field in one query."""

# claim: constant
# claim: fewer

from __future__ import annotations

from library.models import Chapter


def run() -> list[list]:
    _renumber()
    return [list(row) for row in Chapter.objects.order_by("pk").values_list("title", "number")]


def _renumber() -> None:
    for chapter in Chapter.objects.filter(number=2):
        chapter.number = chapter.number + 10
        chapter.title = chapter.title.upper()
        chapter.save()  # expect: DJV116
