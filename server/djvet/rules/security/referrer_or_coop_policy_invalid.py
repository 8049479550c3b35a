"""
## What it does
Flags production settings whose `SECURE_REFERRER_POLICY` is `None` (no
`Referrer-Policy` header; Django's `security.W022`) or holds a value browsers do not
know (`security.E023`), and a `SECURE_CROSS_ORIGIN_OPENER_POLICY` that is not one of
`same-origin`, `same-origin-allow-popups`, `unsafe-none` or `None` (`security.E024`).
Like Django, djvet checks them only when `SecurityMiddleware` is installed. Leaving
them unset is fine: Django's defaults are `"same-origin"` for both.

## Why is this bad?
Browsers ignore a header with an unknown value, so a typo silently removes the
protection. Without a referrer policy, the full URL of the current page — which may
hold a password-reset token, a search query or an internal path — is sent to every
other site the page links to or loads from. Without an opener policy, a page your site
opens in a pop-up (or that opens yours) keeps a handle on your window (tab-nabbing,
cross-window leaks).

## Example
```python
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_REFERRER_POLICY = "no-referer"
```

## Use instead
```python
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
SECURE_REFERRER_POLICY = "no-referrer"
```

## Fix safety
Safe: an invalid value behaves like no header, and the fix replaces it with the closest
valid value (a misspelling) or with Django's default `"same-origin"`.

## References
- Django referrer policy: https://docs.djangoproject.com/en/stable/ref/middleware/#referrer-policy
- Django cross-origin opener policy: https://docs.djangoproject.com/en/stable/ref/middleware/#cross-origin-opener-policy
- Django system checks `security.W022`, `security.E023`, `security.E024`
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings, Setting
from djvet.rules.security._settings import (
    SettingProblem,
    security_middleware_active,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV212",
    name="referrer-or-coop-policy-invalid",
    family=Family.SECURITY,
    message="`SECURE_REFERRER_POLICY` is invalid; browsers ignore it and send full referrers",
    fix=FixAvailability.ALWAYS,
    fix_title="Use a valid policy",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W022", "security.E023", "security.E024"),
)
REFERRER_POLICIES = (
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
)
OPENER_POLICIES = ("same-origin", "same-origin-allow-popups", "unsafe-none")


@RULE.on_module
def check_policies(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if not security_middleware_active(settings):
            return
        referrer = settings.get("SECURE_REFERRER_POLICY")
        if referrer is not None and referrer.known:
            if referrer.value is None:
                yield _problem(
                    referrer,
                    "is `None`: no `Referrer-Policy` header is sent",
                    '"same-origin"',
                    "security.W022",
                )
            elif not _valid_referrer(referrer.value):
                yield _problem(
                    referrer,
                    f"has an invalid value {_shown(referrer.value)}",
                    _repair_referrer(referrer.value),
                    "security.E023",
                )
        opener = settings.get("SECURE_CROSS_ORIGIN_OPENER_POLICY")
        if (
            opener is not None
            and opener.known
            and opener.value is not None
            and opener.value not in OPENER_POLICIES
        ):
            yield _problem(
                opener,
                f"has an invalid value {_shown(opener.value)}",
                _quoted(_closest(opener.value, OPENER_POLICIES)),
                "security.E024",
            )

    yield from settings_diagnostics(RULE, ctx, problems)


def _problem(
    setting: Setting, what: str, replacement: str, check: str
) -> SettingProblem:
    return SettingProblem(
        f"`{setting.name}` {what}",
        setting,
        replacement=replacement,
        applicability=Applicability.SAFE,
        django_check=check,
        fix_title=f"Set `{setting.name} = {replacement}`",
    )


def _values(value: Any) -> list[Any] | None:
    """Django accepts a comma-separated string or an iterable of policies."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",")]
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return None


def _valid_referrer(value: Any) -> bool:
    values = _values(value)
    return values is not None and all(v in REFERRER_POLICIES for v in values)


def _repair_referrer(value: Any) -> str:
    """Each misspelt policy by its closest valid one, in the value's own shape."""
    values = _values(value) or []
    repaired = [
        _closest(v, REFERRER_POLICIES) if isinstance(v, str) else "same-origin"
        for v in values
    ]
    repaired = list(dict.fromkeys(repaired)) or ["same-origin"]
    if isinstance(value, (list, tuple)) and len(repaired) > 1:
        inner = ", ".join(_quoted(v) for v in repaired)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return _quoted(", ".join(repaired))


def _closest(value: Any, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        return "same-origin"
    matches = difflib.get_close_matches(value.strip().lower(), valid, n=1, cutoff=0.75)
    return matches[0] if matches else "same-origin"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def _shown(value: Any) -> str:
    text = repr(value)
    return f"`{text if len(text) <= 40 else text[:37] + '...'}`"
