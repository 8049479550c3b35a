"""A `'self'` FK, an O2O to the user model and an abstract-inherited FK, all selected."""

from __future__ import annotations

from library.models import Author, Book


def run() -> list[str]:
    rows = [
        f"{a.mentor.name} / {a.user.username}"
        for a in Author.objects.select_related("mentor", "user")
    ]
    rows += [b.created_by.username for b in Book.objects.select_related("created_by")]
    return rows
