"""
## What it does
Flags production settings that let other sites frame your pages:
`XFrameOptionsMiddleware` missing from `MIDDLEWARE` (Django's `security.W002`), or
`X_FRAME_OPTIONS` set to something other than `DENY` or `SAMEORIGIN` (such as the
obsolete `ALLOW-FROM`, which browsers ignore).

djvet deliberately accepts `SAMEORIGIN`, which Django's `security.W019` reports: framing
by your own pages (admin previews, embedded widgets of the same site) is a legitimate
need and gives no other site a frame. `DENY` is Django's default and the right choice
when the site never frames itself.

## Why is this bad?
A page that can be framed can be *clickjacked*: a hostile site loads it in an invisible
frame over its own bait and makes the user click "Delete account" or "Confirm transfer"
while believing they click something else. The `X-Frame-Options` header tells the
browser not to render the page inside other sites' frames.

## Example
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
```

## Use instead
```python
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
```

## Fix safety
Adding the missing middleware (last, where `startproject` puts it) is safe: with
Django's default `X_FRAME_OPTIONS = "DENY"` it only adds a header, and views that must
be framed can use `@xframe_options_exempt`. Replacing an invalid `X_FRAME_OPTIONS` with
`"DENY"` is unsafe: pages that some site frames today (on purpose) stop rendering there.
When both are wrong in one file, the middleware fix also sets `"DENY"` (the value is
checked as soon as the middleware is in) and is unsafe.

## References
- Django clickjacking protection: https://docs.djangoproject.com/en/stable/ref/clickjacking/
- Django system checks `security.W002`, `security.W019`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic, Edit
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    XFRAME_MIDDLEWARE,
    SettingProblem,
    describe,
    middleware,
    missing_middleware,
    settings_diagnostics,
    wrong,
)

RULE = Rule(
    code="DJV210",
    name="clickjacking-protection-missing",
    family=Family.SECURITY,
    message="`XFrameOptionsMiddleware` is not in `MIDDLEWARE`; other sites can frame your pages",
    fix=FixAvailability.SOMETIMES,
    fix_title="Add `XFrameOptionsMiddleware` to `MIDDLEWARE`",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W002", "security.W019"),
)


def _valid(value: object) -> bool:
    # The middleware upper-cases the setting, so "sameorigin" works too.
    return isinstance(value, str) and value.upper() in ("DENY", "SAMEORIGIN")


@RULE.on_module
def check_clickjacking(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        setting = settings.get("X_FRAME_OPTIONS")
        invalid = setting is not None and wrong(setting, _valid)
        problem = missing_middleware(
            settings, XFRAME_MIDDLEWARE, RULE.message, place=len, check="security.W002"
        )
        if problem is not None:
            if invalid and problem.edits and setting.path == ctx.path:
                # Once the middleware is in, the invalid value is reported: fix both at once.
                problem.edits += (Edit(setting.span, '"DENY"'),)
                problem.applicability = Applicability.UNSAFE
            yield problem
        if invalid and middleware(settings, XFRAME_MIDDLEWARE):
            yield SettingProblem(
                f"`X_FRAME_OPTIONS` {describe(setting)}; use `DENY` or `SAMEORIGIN`",
                setting,
                replacement='"DENY"',
                fix_title='Set `X_FRAME_OPTIONS = "DENY"`',
                django_check="security.W019",
            )

    yield from settings_diagnostics(RULE, ctx, problems)
