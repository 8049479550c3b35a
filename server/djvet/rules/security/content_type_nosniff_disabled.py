"""
## What it does
Flags production settings that turn off `SECURE_CONTENT_TYPE_NOSNIFF` (it is `True` by
default), as Django's `security.W006` does when `SecurityMiddleware` is installed.

## Why is this bad?
Without `X-Content-Type-Options: nosniff`, browsers may guess ("sniff") a response's
type from its content. A user upload served as `text/plain` or `image/png` that looks
like HTML or JavaScript is then run as such — stored cross-site scripting through the
file upload or media URL.

## Example
```python
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_CONTENT_TYPE_NOSNIFF = False
```

## Use instead
```python
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_CONTENT_TYPE_NOSNIFF = True
```

## Fix safety
Safe: the fix sets the value to `True`, Django's default (or, when it is read from the
environment, makes `True` the default); responses gain one header.
A response served with a wrong `Content-Type` (a script as `text/plain`) stops working,
which is the point: fix its type.

## References
- Django settings: https://docs.djangoproject.com/en/stable/ref/settings/#secure-content-type-nosniff
- Django system check `security.W006`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SettingProblem,
    describe,
    security_middleware_active,
    settings_diagnostics,
    true_value,
    wrong,
)

RULE = Rule(
    code="DJV211",
    name="content-type-nosniff-disabled",
    family=Family.SECURITY,
    message="`SECURE_CONTENT_TYPE_NOSNIFF` is off; browsers may run uploads as HTML or scripts",
    fix=FixAvailability.ALWAYS,
    fix_title="Set `SECURE_CONTENT_TYPE_NOSNIFF = True`",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W006",),
)


@RULE.on_module
def check_nosniff(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        setting = settings.get("SECURE_CONTENT_TYPE_NOSNIFF")
        if security_middleware_active(settings) and wrong(
            setting, lambda value: value is True
        ):
            assert setting is not None
            message = f"`SECURE_CONTENT_TYPE_NOSNIFF` {describe(setting)}; uploads may run as scripts"
            replacement, edits = true_value(ctx, setting)
            yield SettingProblem(
                message,
                setting,
                replacement=replacement,
                edits=edits,
                applicability=Applicability.SAFE,
                django_check="security.W006",
            )

    yield from settings_diagnostics(RULE, ctx, problems)
