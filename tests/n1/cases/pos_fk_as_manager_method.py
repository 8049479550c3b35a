"""A method of `AuthorQuerySet.as_manager()` (`active`), then `a.mentor`."""

# golden-fix: Author.objects.active() => Author.objects.select_related("mentor").active()

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    return [a.mentor.name for a in Author.objects.active()]  # expect: DJV101
