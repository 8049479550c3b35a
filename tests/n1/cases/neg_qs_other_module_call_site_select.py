"""`select_related()` appended where a queryset from another module is used."""

from __future__ import annotations

from library.services import recent_books


def run() -> list[str]:
    names = []
    for b in recent_books().select_related("author"):
        names.append(b.author.name)
    return names
