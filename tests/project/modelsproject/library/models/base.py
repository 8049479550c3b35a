from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_created",
    )

    class Meta:
        abstract = True


class Owned(TimeStamped):
    owner = models.ForeignKey(
        to="accounts.User",
        on_delete=models.CASCADE,
        related_name="owned_%(class)ss",
        related_query_name="owned_%(class)s",
    )

    class Meta(TimeStamped.Meta):
        abstract = True


class Catalogued(models.Model):
    catalogue = models.ForeignKey("library.Publisher", null=True, on_delete=models.SET_NULL)

    class Meta:
        abstract = True
        default_related_name = "%(model_name)s_items"
