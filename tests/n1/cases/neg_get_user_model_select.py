"""The user model from `get_user_model()` with its reverse O2O `author` selected."""

from __future__ import annotations

from django.contrib.auth import get_user_model

User = get_user_model()


def run() -> list[str]:
    users = User.objects.select_related("author").filter(is_active=True)
    return [user.author.name for user in users]
