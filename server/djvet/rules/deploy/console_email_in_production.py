"""
## What it does
Flags production settings whose `EMAIL_BACKEND` is Django's console, in-memory
(`locmem`) or file backend — set as a literal, or as the default of an environment
lookup that production falls back to.

## Why is this bad?
These backends are for development and tests: the console backend prints each message
to standard output, `locmem` keeps it in memory, the file backend writes it to disk.
Password resets, receipts and error mails to `ADMINS` are never delivered, and nothing
fails loudly.

## Example
```python
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
```

## Use instead
```python
import os

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
```

## Fix safety
Display-only: the suggestion reads the backend from the environment with SMTP as the
default; production then needs `EMAIL_HOST` and credentials.

## References
- Django docs: https://docs.djangoproject.com/en/stable/topics/email/#email-backends
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SettingProblem,
    describe,
    env_expression,
    env_imports,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV806",
    name="console-email-in-production",
    family=Family.DEPLOY,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="Production `EMAIL_BACKEND` never delivers mail",
    fix_title="Read `EMAIL_BACKEND` from the environment, SMTP by default (suggestion)",
    applies_to=FileRole.SETTINGS,
)
_KINDS = {
    "django.core.mail.backends.console.EmailBackend": "console",
    "django.core.mail.backends.locmem.EmailBackend": "in-memory",
    "django.core.mail.backends.filebased.EmailBackend": "file",
}
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@RULE.on_module
def check_email_backend(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        setting = settings.get("EMAIL_BACKEND")
        if setting is None or not setting.known or setting.value not in _KINDS:
            return
        kind = _KINDS[setting.value]
        message = f"`EMAIL_BACKEND` {describe(setting, f'the {kind} backend')}; mail is never sent"
        replacement = env_expression(
            ctx, setting.env_var or "EMAIL_BACKEND", "str", SMTP
        )
        yield SettingProblem(
            message if len(message) <= 100 else RULE.message,
            setting,
            replacement=replacement,
            edits=env_imports(ctx),
            applicability=Applicability.DISPLAY_ONLY,
        )

    yield from settings_diagnostics(RULE, ctx, problems)
