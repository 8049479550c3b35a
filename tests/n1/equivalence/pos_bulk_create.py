"""DJV115: one INSERT per row; `bulk_create()` inserts them together."""

# claim: constant
# claim: fewer

from __future__ import annotations

from library.models import Tag


def run() -> list[str]:
    _add([f"extra{i}" for i in range(Tag.objects.count())])
    return list(Tag.objects.order_by("name").values_list("name", flat=True))


def _add(names: list[str]) -> None:
    for name in names:
        Tag.objects.create(name=name)  # expect: DJV115
