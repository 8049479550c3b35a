"""
## What it does
Flags production settings whose `MIDDLEWARE` lacks
`django.middleware.security.SecurityMiddleware` (Django's `security.W001`).

## Why is this bad?
`SecurityMiddleware` is what acts on `SECURE_SSL_REDIRECT`, `SECURE_HSTS_SECONDS`,
`SECURE_CONTENT_TYPE_NOSNIFF`, `SECURE_REFERRER_POLICY` and
`SECURE_CROSS_ORIGIN_OPENER_POLICY`. Without it those settings do nothing, however
carefully they are set: no HTTPS redirect, no HSTS header, no `nosniff`, no referrer or
opener policy. (This is also why Django and djvet skip checking those settings when the
middleware is absent: fix this first.)

## Example
```python
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
```

## Use instead
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
```

## Fix safety
Safe: the fix inserts the middleware first, where `startproject` puts it. With Django's
default settings it only adds response headers (`X-Content-Type-Options: nosniff`,
`Referrer-Policy: same-origin`, `Cross-Origin-Opener-Policy: same-origin`); it redirects
or sends HSTS only if those settings are already turned on. A page that relies on
`window.opener` across origins (some OAuth or payment pop-ups) needs
`SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"`. Once the middleware is
in, djvet checks the settings it reads (DJV204, DJV205, DJV211, DJV212) and reports
what they still lack.

## References
- Django security middleware: https://docs.djangoproject.com/en/stable/ref/middleware/#module-django.middleware.security
- Django system check `security.W001`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SECURITY_MIDDLEWARE,
    SettingProblem,
    missing_middleware,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV208",
    name="security-middleware-missing",
    family=Family.SECURITY,
    message="`SecurityMiddleware` is not in `MIDDLEWARE`; the `SECURE_*` settings have no effect",
    fix=FixAvailability.SOMETIMES,
    fix_title="Add `SecurityMiddleware` first in `MIDDLEWARE`",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W001",),
)


@RULE.on_module
def check_security_middleware(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        problem = missing_middleware(
            settings,
            SECURITY_MIDDLEWARE,
            RULE.message,
            place=lambda items: 0,
            check="security.W001",
            reveals=("DJV204", "DJV205", "DJV211", "DJV212"),
        )
        if problem is not None:
            yield problem

    yield from settings_diagnostics(RULE, ctx, problems)
