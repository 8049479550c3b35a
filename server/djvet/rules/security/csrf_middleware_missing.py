"""
## What it does
Flags production settings whose `MIDDLEWARE` lacks
`django.middleware.csrf.CsrfViewMiddleware` (Django's `security.W003`).

## Why is this bad?
Without the middleware no view is protected against cross-site request forgery: any
site a logged-in user visits can make their browser submit forms to yours — change
their e-mail address, transfer money, delete data — with their cookies attached.
`{% csrf_token %}` in templates does nothing unless the middleware checks it.
Views that must accept cross-site POSTs (webhooks, token-authenticated APIs) should opt
out one by one with `@csrf_exempt` (reported by DJV225, so each is a visible decision).

## Example
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
```

## Use instead
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
```

## Fix safety
Unsafe: the fix inserts the middleware where `startproject` puts it (after
`SessionMiddleware` and `CommonMiddleware`), and from then on every POST, PUT, PATCH and
DELETE without a valid token is rejected with 403 — including API clients and webhooks
that worked before. Mark those views `@csrf_exempt` (or use token authentication)
before applying it. Once the middleware is in, djvet also checks `CSRF_COOKIE_SECURE`
(DJV207).

## References
- Django CSRF protection: https://docs.djangoproject.com/en/stable/howto/csrf/
- Django system check `security.W003`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    COMMON_MIDDLEWARE,
    CSRF_MIDDLEWARE,
    SECURITY_MIDDLEWARE,
    SESSION_MIDDLEWARE,
    SettingProblem,
    missing_middleware,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV209",
    name="csrf-middleware-missing",
    family=Family.SECURITY,
    message="`CsrfViewMiddleware` is not in `MIDDLEWARE`; no view is protected against CSRF",
    fix=FixAvailability.SOMETIMES,
    fix_title="Add `CsrfViewMiddleware` to `MIDDLEWARE`",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W003",),
)


def _place(items: list[str]) -> int:
    """Django's default order: after Common, else after Session, else after Security."""
    for anchor in (COMMON_MIDDLEWARE, SESSION_MIDDLEWARE, SECURITY_MIDDLEWARE):
        if anchor in items:
            return items.index(anchor) + 1
    return 0


@RULE.on_module
def check_csrf_middleware(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        problem = missing_middleware(
            settings,
            CSRF_MIDDLEWARE,
            RULE.message,
            place=_place,
            check="security.W003",
            applicability=Applicability.UNSAFE,
            reveals=("DJV207",),
        )
        if problem is not None:
            yield problem

    yield from settings_diagnostics(RULE, ctx, problems)
