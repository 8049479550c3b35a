"""
## What it does
Flags production settings that let every origin make cross-origin requests through
django-cors-headers: `CORS_ALLOW_ALL_ORIGINS = True`, or its old name
`CORS_ORIGIN_ALLOW_ALL = True` (also as an environment default). Django's own checks
do not look at CORS.

## Why is this bad?
The browser's same-origin policy stops other sites from reading your API's responses
with the visitor's credentials. Allowing all origins switches that off: any page the
user visits can call your API from their browser and read the answers. Combined with
`CORS_ALLOW_CREDENTIALS = True` it reads them *as the logged-in user*. Production should
list the front-ends it serves.

## Example
```python
CORS_ALLOW_ALL_ORIGINS = True
```

## Use instead
```python
import os

CORS_ALLOWED_ORIGINS = [
    origin for origin in os.environ.get("DJANGO_CORS_ALLOWED_ORIGINS", "").split(",") if origin
]
```

## Fix safety
Unsafe: after the fix only the origins listed in `DJANGO_CORS_ALLOWED_ORIGINS` (or an
existing `CORS_ALLOWED_ORIGINS` / `CORS_ALLOWED_ORIGIN_REGEXES`) may call the API from
a browser; front-ends on other origins break until they are listed.

## References
- django-cors-headers: https://github.com/adamchainz/django-cors-headers#configuration
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SettingProblem,
    import_edit,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV213",
    name="cors-allow-all",
    family=Family.SECURITY,
    message="`CORS_ALLOW_ALL_ORIGINS` is on; any website can call this API from its visitors' browsers",
    fix=FixAvailability.ALWAYS,
    fix_title="Allow only the origins listed in the environment",
    applies_to=FileRole.SETTINGS,
)
_ALLOW_ALL = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
_LISTS = (
    "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGIN_REGEX_WHITELIST",
)
_FROM_ENV = (
    "CORS_ALLOWED_ORIGINS = [\n    origin for origin in os.environ.get("
    '"DJANGO_CORS_ALLOWED_ORIGINS", "").split(",") if origin\n]\n'
)


@RULE.on_module
def check_cors(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        listed = any(settings.is_set(name) for name in _LISTS)
        for name in _ALLOW_ALL:
            setting = settings.get(name)
            if setting is None or not setting.known or setting.value is not True:
                continue
            credentials = settings.value("CORS_ALLOW_CREDENTIALS") is True
            what = "with credentials, " if credentials else ""
            if setting.from_env:
                message = f"`{name}` defaults to `True` when `{setting.env_var or 'its variable'}` is unset"
            else:
                message = f"`{name}` is on; any website can {what}call this API from visitors' browsers"
            yield SettingProblem(
                message,
                setting,
                replacement="False",
                insert=None if listed else _FROM_ENV,
                edits=() if listed else import_edit(ctx, "os"),
            )

    yield from settings_diagnostics(RULE, ctx, problems)
