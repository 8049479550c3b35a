"""`select_related('profile')` follows the reverse O2O."""

from __future__ import annotations

from library.models import User


def run() -> list[str]:
    return [u.profile.bio for u in User.objects.select_related("profile")]
