from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    nickname = models.CharField(max_length=50, blank=True)
    mentor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentees"
    )


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Symmetrical self-M2M: no reverse accessor.
    friends = models.ManyToManyField("self", blank=True)
    followers = models.ManyToManyField(
        "Profile", symmetrical=False, related_name="following", blank=True
    )
    blocked = models.ManyToManyField("accounts.Profile", related_name="+", blank=True)
