"""`AuthorQuerySet.with_mentor()` (through `as_manager()`) selects `mentor`."""

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    return [a.mentor.name for a in Author.objects.active().with_mentor()]
