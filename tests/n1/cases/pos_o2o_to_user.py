"""An O2O to `settings.AUTH_USER_MODEL` (`Author.user`) read in a loop."""

# golden-fix: Author.objects.order_by( => Author.objects.select_related("user").order_by(

from __future__ import annotations

from library.models import Author


def run() -> list[str]:
    return [a.user.username for a in Author.objects.order_by("name")]  # expect: DJV101
