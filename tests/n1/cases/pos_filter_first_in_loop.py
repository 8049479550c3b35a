"""`Profile.objects.filter(user=u).first()` keyed by the loop variable."""

# golden-fix: User.objects.all() => User.objects.select_related("profile").all()
# golden-fix: Profile.objects.filter(user=u).first() => u.profile

from __future__ import annotations

from library.models import Profile, User


def run() -> list[str]:
    bios = []
    for u in User.objects.all():
        profile = Profile.objects.filter(user=u).first()  # expect: DJV108
        bios.append(profile.bio)
    return bios
