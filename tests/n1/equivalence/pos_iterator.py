"""DJV121: a background job loops over a whole table; `iterator()` streams the rows.
DJV112: it reads no `body`; `defer()` leaves it in the database."""

# claim: sql-lacks "body"

from __future__ import annotations

from typing import Any, Callable

from library.models import Book


def task(function: Callable[..., Any]) -> Callable[..., Any]:
    """Stands for `@shared_task` (Celery is not installed here)."""
    return function


@task
def reindex() -> list[str]:
    seen = []
    for book in Book.objects.select_related("author"):  # expect: DJV112, DJV121
        seen.append(f"{book.title}/{book.author.name}")
    return seen


def run() -> list[str]:
    return reindex()
