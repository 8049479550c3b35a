"""
## What it does
Flags production settings where `CSRF_COOKIE_SECURE` is not `True` (it is `False` by
default), as Django's `security.W016` does: only when `CsrfViewMiddleware` is installed
and the token is kept in a cookie (`CSRF_USE_SESSIONS` is not on).

## Why is this bad?
Without `Secure`, the browser also sends the CSRF cookie over plain HTTP, where anyone
on the network can read it. With the token in hand, an attacker can build a cross-site
form that passes Django's CSRF check.

## Example
```python
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
CSRF_COOKIE_SECURE = False
```

## Use instead
```python
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
CSRF_COOKIE_SECURE = True
```

## Fix safety
Unsafe: a site still served over plain HTTP no longer receives the cookie, so every
form POST fails the CSRF check until the site is served over HTTPS.

## References
- Django settings: https://docs.djangoproject.com/en/stable/ref/settings/#csrf-cookie-secure
- Django system check `security.W016`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    CSRF_MIDDLEWARE,
    SettingProblem,
    describe,
    middleware,
    settings_diagnostics,
    true_value,
    wrong,
)

RULE = Rule(
    code="DJV207",
    name="insecure-csrf-cookie",
    family=Family.SECURITY,
    message="`CSRF_COOKIE_SECURE` is not set; the CSRF cookie is also sent over plain HTTP",
    fix=FixAvailability.ALWAYS,
    fix_title="Set `CSRF_COOKIE_SECURE = True`",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W016",),
)


@RULE.on_module
def check_csrf_cookie(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if not middleware(settings, CSRF_MIDDLEWARE):
            return
        use_sessions = settings.get("CSRF_USE_SESSIONS")
        if use_sessions is not None and (not use_sessions.known or use_sessions.value):
            return  # the token lives in the session (or djvet cannot tell)
        setting = settings.get("CSRF_COOKIE_SECURE")
        if setting is None:
            yield SettingProblem(
                RULE.message,
                insert="CSRF_COOKIE_SECURE = True\n",
                django_check="security.W016",
            )
        elif wrong(setting, lambda value: value is True):
            assert setting is not None
            replacement, edits = true_value(ctx, setting)
            yield SettingProblem(
                f"`CSRF_COOKIE_SECURE` {describe(setting)}; the CSRF token leaks over HTTP",
                setting,
                replacement=replacement,
                edits=edits,
                django_check="security.W016",
            )

    yield from settings_diagnostics(RULE, ctx, problems)
