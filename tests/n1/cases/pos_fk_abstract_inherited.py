"""`created_by` comes from the abstract base `Timestamped` (`related_name='%(class)s_created'`)."""

# golden-fix: Book.objects.filter( => Book.objects.select_related("created_by").filter(

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    names = []
    for b in Book.objects.filter(title__startswith="Book"):
        names.append(b.created_by.username)  # expect: DJV101
    return names
