"""Dict comprehensions reading an FK in the key and in the value."""

# golden-fix: Book.objects.all() => Book.objects.select_related("author").all()
# golden-fix: Book.objects.filter( => Book.objects.select_related("publisher").filter(

from __future__ import annotations

from library.models import Book


def run() -> dict[str, dict[str, str]]:
    by_author = {b.author.name: b.title for b in Book.objects.all()}  # expect: DJV101
    by_title = {
        b.title: b.publisher.name  # expect: DJV101
        for b in Book.objects.filter(is_published=True)
    }
    return {"by_author": by_author, "by_title": by_title}
