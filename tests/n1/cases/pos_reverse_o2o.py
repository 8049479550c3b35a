"""The default reverse O2O accessor `user.profile` read in a loop."""

# golden-fix: User.objects.all() => User.objects.select_related("profile").all()

from __future__ import annotations

from library.models import User


def run() -> list[str]:
    return [u.profile.bio for u in User.objects.all()]  # expect: DJV101
