"""
## What it does
Flags production settings where `SECURE_SSL_REDIRECT` is not `True` (missing, `False`,
or an environment lookup defaulting to false), as Django's `security.W008` does. Like
Django, djvet checks it only when `SecurityMiddleware` is installed.

## Why is this bad?
Without the redirect, every page is also served over plain HTTP: anyone on the network
path can read and change it, and a user who types the bare domain stays on HTTP.
Secure cookies (DJV206, DJV207) are then simply not sent, so users seem logged out.

Behind a proxy or load balancer that terminates TLS, Django sees plain HTTP on every
request; set `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")` too —
but only when the proxy always sets (and strips incoming) `X-Forwarded-Proto`, or
clients can claim HTTPS. If the proxy itself redirects to HTTPS, turn the setting off
through the environment variable the fix introduces, not in code.

## Example
```python
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_SSL_REDIRECT = False
```

## Use instead
```python
import os

MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "True") == "True"
```

## Fix safety
Unsafe: behind a TLS-terminating proxy without `SECURE_PROXY_SSL_HEADER`, Django
redirects every request to HTTPS forever (a redirect loop). The fix reads the setting
from `DJANGO_SECURE_SSL_REDIRECT`, on by default, so such a deployment can opt out
without a code change.

## References
- Django SSL redirect: https://docs.djangoproject.com/en/stable/ref/middleware/#ssl-redirect
- Django settings: https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header
- Django system check `security.W008`
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
    describe,
    env_expression,
    env_imports,
    security_middleware_active,
    settings_diagnostics,
    wrong,
)

RULE = Rule(
    code="DJV205",
    name="ssl-redirect-disabled",
    family=Family.SECURITY,
    message="`SECURE_SSL_REDIRECT` is not set; pages are also served over plain HTTP",
    fix=FixAvailability.ALWAYS,
    fix_title="Redirect HTTP to HTTPS (`SECURE_SSL_REDIRECT`)",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W008",),
)


@RULE.on_module
def check_ssl_redirect(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if not security_middleware_active(settings):
            return
        setting = settings.get("SECURE_SSL_REDIRECT")
        variable = (
            setting.env_var
            if setting is not None and setting.env_var
            else "DJANGO_SECURE_SSL_REDIRECT"
        )
        expression = env_expression(ctx, variable, "bool", True)
        if setting is None:
            yield SettingProblem(
                RULE.message,
                insert=f"SECURE_SSL_REDIRECT = {expression}\n",
                edits=env_imports(ctx),
                django_check="security.W008",
            )
        elif wrong(setting, lambda value: value is True):
            yield SettingProblem(
                f"`SECURE_SSL_REDIRECT` {describe(setting)}; pages are served over HTTP",
                setting,
                replacement=expression,
                edits=env_imports(ctx),
                django_check="security.W008",
            )

    yield from settings_diagnostics(RULE, ctx, problems)
