"""
## What it does
Flags production settings with `django.contrib.staticfiles` installed and a storage
that collects into a local folder (Django's default, WhiteNoise) but no `STATIC_ROOT`
(or `STATIC_ROOT = None`).

## Why is this bad?
`collectstatic` gathers every app's static files into `STATIC_ROOT`, the folder the web
server or WhiteNoise serves. Without it the command fails with `ImproperlyConfigured`,
so a deployment either breaks or ships without the admin's CSS and the project's own
assets. Storages that upload elsewhere (S3, Google Cloud) do not need it and are not
flagged.

## Example
```python
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "static/"
```

## Use instead
```python
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
```

## Fix safety
Unsafe: the fix picks `BASE_DIR / "staticfiles"` (or `os.path.join(BASE_DIR,
"staticfiles")`); the web server or WhiteNoise must serve that folder, the deployment
must run `collectstatic` into it, and it should be git-ignored. Without a `BASE_DIR`
there is no fix.

## References
- `STATIC_ROOT`: https://docs.djangoproject.com/en/stable/ref/settings/#static-root
- Deploying static files: https://docs.djangoproject.com/en/stable/howto/static-files/deployment/
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic
from djvet.core.parso_utils import code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.caching._settings_helpers import installed, version
from djvet.rules.security._settings import (
    SettingProblem,
    import_edit,
    settings_diagnostics,
)
from djvet.rules.static._storage import STATICFILES_ALIAS, backend, is_local

RULE = Rule(
    code="DJV502",
    name="static-root-missing",
    family=Family.STATIC,
    message="`STATIC_ROOT` is not set; `collectstatic` cannot gather static files for production",
    fix=FixAvailability.SOMETIMES,
    fix_title='Collect static files into `BASE_DIR / "staticfiles"`',
    applies_to=FileRole.SETTINGS,
)


@RULE.on_module
def check_static_root(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if installed(settings, "django.contrib.staticfiles") is not True:
            return
        if not is_local(
            backend(settings, STATICFILES_ALIAS, version(ctx.project)).value
        ):
            return  # uploaded to object storage by collectstatic: no local folder
        root = settings.get("STATIC_ROOT")
        value, edits = _root(ctx, settings)
        if root is None:
            insert = f"STATIC_ROOT = {value}\n" if value else None
            yield SettingProblem(RULE.message, insert=insert, edits=edits)
        elif root.known and root.value is None:
            yield SettingProblem(
                "`STATIC_ROOT` is `None`; `collectstatic` cannot gather static files",
                root,
                replacement=value,
                edits=edits if value else (),
            )

    yield from settings_diagnostics(RULE, ctx, problems)


def _root(ctx: FileContext, settings: EffectiveSettings) -> tuple[str | None, tuple]:
    """`BASE_DIR / "staticfiles"` in the style BASE_DIR is built with, else None."""
    base = settings.get("BASE_DIR")
    if base is None or base.conditional:
        return None, ()
    folder = "staticfiles"
    dirs = settings.get("STATICFILES_DIRS")
    if dirs is not None and folder in code_of(dirs.value_node):
        folder = "collected_static"  # STATIC_ROOT must not be one of STATICFILES_DIRS
    source = code_of(base.value_node)
    if "Path(" in source and "environ.Path" not in source:
        return f'BASE_DIR / "{folder}"', ()
    if "os.path" in source:
        return f'os.path.join(BASE_DIR, "{folder}")', import_edit(ctx, "os")
    return None, ()
