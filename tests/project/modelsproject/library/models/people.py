from __future__ import annotations

from django.conf import settings
from django.db import models

from .base import TimeStamped


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Author(TimeStamped):
    name = models.CharField(max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="author_profile"
    )
    publisher = models.ForeignKey(Publisher, null=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.name
