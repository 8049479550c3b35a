"""`a.books.count()` in a loop: one `COUNT` per author; `annotate(Count)` is one query."""

# golden-fix: Author.objects.all() => Author.objects.annotate(n_books=Count("books"))
# golden-fix: a.books.count() => a.n_books
# golden-fix: from library.models import Author => from django.db.models import Count\n\nfrom library.models import Author

from __future__ import annotations

from library.models import Author


def run() -> dict[str, int]:
    return {a.name: a.books.count() for a in Author.objects.all()}  # expect: DJV102
