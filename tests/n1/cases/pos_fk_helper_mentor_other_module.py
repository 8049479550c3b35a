"""`library.services.mentor_name()` reads `author.mentor`; the finding is at the call."""

# golden-fix: Author.objects.filter( => Author.objects.select_related("mentor").filter(

from __future__ import annotations

from library.models import Author
from library.services import mentor_name


def run() -> list[str]:
    authors = Author.objects.filter(name__startswith="Author")
    return [mentor_name(a) for a in authors]  # expect: DJV101
