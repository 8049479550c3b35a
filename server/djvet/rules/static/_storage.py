"""Which storage serves static files in a settings view, by Django version.

`STORAGES` (Django 4.2+) and the old `STATICFILES_STORAGE` / `DEFAULT_FILE_STORAGE`
(deprecated in 4.2, removed — silently ignored — in 5.1) are mutually exclusive before
5.1: setting both raises `ImproperlyConfigured`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from djvet.project.settings import UNKNOWN, EffectiveSettings, Setting
from djvet.rules.caching._settings_helpers import nested_value

STATICFILES_ALIAS, DEFAULT_ALIAS = "staticfiles", "default"
OLD_SETTINGS = {
    "STATICFILES_STORAGE": STATICFILES_ALIAS,
    "DEFAULT_FILE_STORAGE": DEFAULT_ALIAS,
}
DEFAULT_BACKENDS = {
    STATICFILES_ALIAS: "django.contrib.staticfiles.storage.StaticFilesStorage",
    DEFAULT_ALIAS: "django.core.files.storage.FileSystemStorage",
}
# Backends that write the collected files to STATIC_ROOT on this machine.
LOCAL_PREFIXES = ("django.contrib.staticfiles.storage.", "whitenoise.storage.")


@dataclass(frozen=True)
class Backend:
    """The storage class of an alias: `value` (a dotted path, UNKNOWN), and the setting
    it came from (None: Django's default)."""

    value: Any
    setting: Setting | None
    old: bool = False  # read from STATICFILES_STORAGE / DEFAULT_FILE_STORAGE


def backend(
    settings: EffectiveSettings, alias: str, version: tuple[int, ...]
) -> Backend:
    old_name = next(name for name, a in OLD_SETTINGS.items() if a == alias)
    storages = settings.get("STORAGES") if version >= (4, 2) else None
    old = settings.get(old_name) if version < (5, 1) else None
    if storages is not None and old is not None:
        return Backend(UNKNOWN, storages)  # ImproperlyConfigured before 5.1
    if storages is not None:
        value = nested_value(storages, alias, "BACKEND")
        return Backend(UNKNOWN if value is None else value, storages)
    if old is not None:
        return Backend(old.value if old.known else UNKNOWN, old, old=True)
    return Backend(DEFAULT_BACKENDS[alias], None)


def is_local(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(LOCAL_PREFIXES)
