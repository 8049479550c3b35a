"""`select_related()` without arguments skips the nullable `'self'` FK `mentor`."""

# golden-fix: select_related() => select_related("mentor")

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    return [
        f"{a.name} <- {a.mentor.name}"  # expect: DJV101
        for a in Author.objects.select_related()
    ]
