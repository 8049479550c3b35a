"""
## What it does
Flags production settings without HTTP Strict Transport Security: `SECURE_HSTS_SECONDS`
missing or `0` (`security.W004`), and, once HSTS is on, `SECURE_HSTS_INCLUDE_SUBDOMAINS`
(`security.W005`) or `SECURE_HSTS_PRELOAD` (`security.W021`) not `True`.

Like Django, djvet checks these only when `SecurityMiddleware` is installed (it is the
middleware that sends the header; its absence is DJV208).

## Why is this bad?
Without HSTS, a browser that types `example.com` or follows an `http://` link makes a
first request over plain HTTP, which an attacker on the network can intercept and keep
on HTTP (SSL stripping) — before `SECURE_SSL_REDIRECT` ever runs. The
`Strict-Transport-Security` header makes the browser use HTTPS for the domain (and,
with `includeSubDomains`, for every subdomain, whose cookies could otherwise leak);
`preload` lets the domain join the browsers' built-in list so even the very first
visit is safe.

## Example
```python
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_HSTS_SECONDS = 0
```

## Use instead
```python
import os

MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
```

## Fix safety
Unsafe, and worth reading Django's warning first: once browsers have seen the header
they refuse plain HTTP for the whole max-age, for the domain and (with
`includeSubDomains`) all its subdomains; a preloaded domain stays HTTPS-only for months
after leaving the list. The fix reads the max-age from `DJANGO_SECURE_HSTS_SECONDS`
(one year by default) so a first deployment can start with a small value such as 3600.

## References
- Django HSTS: https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security
- Django system checks `security.W004`, `security.W005`, `security.W021`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings, Setting
from djvet.rules.security._settings import (
    SettingProblem,
    describe,
    env_expression,
    env_imports,
    security_middleware_active,
    settings_diagnostics,
    true_value,
)

RULE = Rule(
    code="DJV204",
    name="hsts-not-enabled",
    family=Family.SECURITY,
    message="`SECURE_HSTS_SECONDS` is not set; browsers may still reach the site over plain HTTP",
    fix=FixAvailability.ALWAYS,
    fix_title="Enable HSTS",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W004", "security.W005", "security.W021"),
)
_FLAGS = {
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": (
        "security.W005",
        "subdomains can still be reached over HTTP",
    ),
    "SECURE_HSTS_PRELOAD": (
        "security.W021",
        "the site cannot join browsers' HSTS preload list",
    ),
}


@RULE.on_module
def check_hsts(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if not security_middleware_active(settings):
            return
        seconds = settings.get("SECURE_HSTS_SECONDS")
        if seconds is None:
            line = f"SECURE_HSTS_SECONDS = {_seconds(ctx, None)}\n"
            lines, edits = _flag_edits(ctx, settings)
            yield SettingProblem(
                RULE.message,
                insert=line + lines,
                edits=env_imports(ctx) + edits,
                django_check="security.W004",
            )
        elif seconds.known and not seconds.value:
            lines, edits = _flag_edits(ctx, settings)
            yield SettingProblem(
                f"`SECURE_HSTS_SECONDS` {describe(seconds)}; HSTS is off",
                seconds,
                replacement=_seconds(ctx, seconds),
                insert=lines or None,
                edits=env_imports(ctx) + edits,
                django_check="security.W004",
            )
        elif seconds.known:
            yield from _flag_problems(ctx, settings)

    yield from settings_diagnostics(RULE, ctx, problems)


def _flag_problems(
    ctx: FileContext, settings: EffectiveSettings
) -> Iterator[SettingProblem]:
    for name, (check, consequence) in _FLAGS.items():
        setting = settings.get(name)
        if setting is None:
            yield SettingProblem(
                f"`{name}` is not set; {consequence}",
                insert=f"{name} = True\n",
                fix_title=f"Set `{name} = True`",
                django_check=check,
            )
        elif setting.known and setting.value is not True:
            replacement, edits = true_value(ctx, setting)
            yield SettingProblem(
                f"`{name}` {describe(setting)}; {consequence}",
                setting,
                replacement=replacement,
                edits=edits,
                fix_title=f"Set `{name} = True`",
                django_check=check,
            )


def _flag_edits(
    ctx: FileContext, settings: EffectiveSettings
) -> tuple[str, tuple[Edit, ...]]:
    """Turning HSTS on makes Django check the two flags: set them in the same fix."""
    lines, edits = "", []
    for name in _FLAGS:
        setting = settings.get(name)
        if setting is None:
            lines += f"{name} = True\n"
        elif setting.known and setting.value is not True and setting.path == ctx.path:
            replacement, imports = true_value(ctx, setting)
            edits += [Edit(setting.span, replacement), *imports]
    return lines, tuple(edits)


def _seconds(ctx: FileContext, seconds: Setting | None) -> str:
    variable = (
        seconds.env_var
        if seconds is not None and seconds.env_var
        else "DJANGO_SECURE_HSTS_SECONDS"
    )
    return env_expression(ctx, variable, "int", 31536000)
