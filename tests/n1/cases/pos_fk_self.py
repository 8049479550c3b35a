"""An FK to `'self'` (`Author.mentor`) read in a loop."""

# golden-fix: Author.objects.all() => Author.objects.select_related("mentor").all()

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    return [
        f"{a.name} <- {a.mentor.name}"  # expect: DJV101
        for a in Author.objects.all()
    ]
