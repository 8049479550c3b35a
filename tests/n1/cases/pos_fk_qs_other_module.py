"""The queryset comes from `library.services.recent_books()`."""

# golden-fix: recent_books(): => recent_books().select_related("author"):

from __future__ import annotations

from library.services import recent_books


def run() -> list[str]:
    names = []
    for b in recent_books():
        names.append(b.author.name)  # expect: DJV101
    return names
