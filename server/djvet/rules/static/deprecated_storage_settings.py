"""
## What it does
Flags `STATICFILES_STORAGE` and `DEFAULT_FILE_STORAGE` in any settings module of a
project on Django 4.2 or newer (projects whose Django version djvet cannot find are
assumed current). Django 4.2 deprecated them for `STORAGES`; Django 5.1 removed them.

## Why is this bad?
On Django 5.1 and later the two settings are silently ignored: a project that sets
`STATICFILES_STORAGE = "...ManifestStaticFilesStorage"` gets Django's plain storage (no
hashed names, no manifest), and uploads meant for S3 land on the local disk. On 4.2–5.0
they still work with a deprecation warning, and they cannot be combined with `STORAGES`
(`ImproperlyConfigured`).

## Example
```python
STATICFILES_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
```

## Use instead
```python
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
```

## Fix safety
The fix writes `STORAGES` with both aliases (`STORAGES` does not fill in a missing one):
the old settings' values, or Django's defaults for the alias the module does not set.
It is safe when the module is the only place that configures storage: on 4.2–5.0 it is
equivalent, on 5.1+ it restores what the settings meant. It is unsafe when code reads
`settings.STATICFILES_STORAGE` / `DEFAULT_FILE_STORAGE` (they fall back to Django's
default, then disappear), when modules built on this one set storage too (they clash
with `STORAGES` on 4.2–5.0 until they are rewritten as well), when the other alias
comes from a base module, when `STORAGES` already exists (the old value, ignored on
5.1+, starts to apply), or when a comment would be lost. Third-party packages that read
the old setting names directly see Django's default after the fix; check their
`STORAGES` support.

## References
- `STORAGES`: https://docs.djangoproject.com/en/stable/ref/settings/#std-setting-STORAGES
- Django 4.2 release notes (custom file storages): https://docs.djangoproject.com/en/stable/releases/4.2/#custom-file-storages
- Django 5.1 release notes (removed features): https://docs.djangoproject.com/en/stable/releases/5.1/#features-removed-in-5-1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.caching._settings_helpers import version
from djvet.rules.static._storage import OLD_SETTINGS
from djvet.rules.static._storage_fix import storage_assignments, storages_fix

RULE = Rule(
    code="DJV503",
    name="deprecated-storage-settings",
    family=Family.STATIC,
    message="`STATICFILES_STORAGE` was removed in Django 5.1 and is ignored; configure `STORAGES`",
    fix=FixAvailability.SOMETIMES,
    fix_title="Move the storage setting into `STORAGES`",
    applies_to=FileRole.SETTINGS,
)


@RULE.on_module
def check_storage_settings(ctx: FileContext) -> Iterator[Diagnostic]:
    if "_STORAGE" not in ctx.text:
        return
    running = version(ctx.project)
    if running < (4, 2):
        return  # STORAGES does not exist yet: the old settings are the only way
    assignments = storage_assignments(ctx.tree)
    for assignment in assignments:
        if assignment.name not in OLD_SETTINGS:
            continue
        if running >= (5, 1):
            message = f"`{assignment.name}` was removed in Django 5.1 and is ignored; configure `STORAGES`"
        else:
            message = f"`{assignment.name}` is deprecated (removed in Django 5.1); configure `STORAGES`"
        fix = storages_fix(ctx, assignment, assignments, RULE.fix_title or "")
        yield RULE.diagnostic(ctx, Span.of(assignment.leaf), message=message, fix=fix)
