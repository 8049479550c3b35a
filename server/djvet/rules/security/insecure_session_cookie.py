"""
## What it does
Flags production settings where the session cookie may leak: `SESSION_COOKIE_SECURE`
not `True` (it is `False` by default; `security.W010`–`W012`) or `SESSION_COOKIE_HTTPONLY`
set to something other than `True` (`security.W013`–`W015`).

As in Django, the checks apply when sessions are in use: `django.contrib.sessions` in
`INSTALLED_APPS` or `SessionMiddleware` in `MIDDLEWARE`.

## Why is this bad?
The session cookie *is* the login. Without `Secure`, the browser also sends it over
plain HTTP — one `http://` image or link on a hostile network and it can be read and
replayed. Without `HttpOnly`, any script injected into a page (one XSS) can read it
from `document.cookie` and send it away.

## Example
```python
INSTALLED_APPS = ["django.contrib.sessions"]
SESSION_COOKIE_SECURE = False
```

## Use instead
```python
INSTALLED_APPS = ["django.contrib.sessions"]
SESSION_COOKIE_SECURE = True
```

## Fix safety
Unsafe: a site still served over plain HTTP (no TLS, or a proxy without
`SECURE_PROXY_SSL_HEADER`) no longer receives the cookie, so users cannot stay logged
in; and JavaScript that read the session cookie stops working with `HttpOnly`.

## References
- Django settings: https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure
- Django system checks `security.W010`–`security.W015`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SESSION_MIDDLEWARE,
    SettingProblem,
    describe,
    installed,
    middleware,
    settings_diagnostics,
    true_value,
    wrong,
)

RULE = Rule(
    code="DJV206",
    name="insecure-session-cookie",
    family=Family.SECURITY,
    message="`SESSION_COOKIE_SECURE` is not set; the session cookie is also sent over plain HTTP",
    fix=FixAvailability.ALWAYS,
    fix_title="Set `SESSION_COOKIE_SECURE = True`",
    applies_to=FileRole.SETTINGS,
    django_checks=tuple(f"security.W0{n}" for n in range(10, 16)),
)
# Django's check ids: (sessions app only, middleware only, both) per setting.
_CHECKS = {
    "SESSION_COOKIE_SECURE": ("security.W010", "security.W011", "security.W012"),
    "SESSION_COOKIE_HTTPONLY": ("security.W013", "security.W014", "security.W015"),
}
_CONSEQUENCE = {
    "SESSION_COOKIE_SECURE": "sessions leak over HTTP",
    "SESSION_COOKIE_HTTPONLY": "injected scripts can read the session cookie",
}


@RULE.on_module
def check_session_cookie(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        app = installed(settings, "django.contrib.sessions")
        session_middleware = middleware(settings, SESSION_MIDDLEWARE)
        if not (app or session_middleware):
            return
        for name, (app_only, middleware_only, both) in _CHECKS.items():
            check = (
                both
                if app and session_middleware
                else app_only
                if app
                else middleware_only
            )
            setting = settings.get(name)
            # HttpOnly is on by default; Secure is off by default.
            if setting is None and name == "SESSION_COOKIE_SECURE":
                yield SettingProblem(
                    RULE.message, insert=f"{name} = True\n", django_check=check
                )
            elif wrong(setting, lambda value: value is True):
                assert setting is not None
                replacement, edits = true_value(ctx, setting)
                yield SettingProblem(
                    f"`{name}` {describe(setting)}; {_CONSEQUENCE[name]}",
                    setting,
                    replacement=replacement,
                    edits=edits,
                    fix_title=f"Set `{name} = True`",
                    django_check=check,
                )

    yield from settings_diagnostics(RULE, ctx, problems)
