"""Formatting `f"{b}"` calls `Book.__str__`, which reads `self.author.name`."""

# golden-fix: Book.objects.filter( => Book.objects.select_related("author").filter(

from __future__ import annotations

from library.models import Book


def run() -> list[str]:
    return [f"* {b}" for b in Book.objects.filter(is_published=True)]  # expect: DJV101
