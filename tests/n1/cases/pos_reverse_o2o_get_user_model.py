"""The user model from `get_user_model()`, and its reverse O2O `user.author`."""

# golden-fix: User.objects.filter( => User.objects.select_related("author").filter(

from __future__ import annotations

from django.contrib.auth import get_user_model

User = get_user_model()


def run() -> list[str]:
    names = []
    for user in User.objects.filter(is_active=True):
        names.append(user.author.name)  # expect: DJV101
    return names
