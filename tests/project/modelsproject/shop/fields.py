from __future__ import annotations

from django.db import models


class OwnerField(models.ForeignKey):
    """A custom relation class: djvet must follow its base to know it is a ForeignKey."""
