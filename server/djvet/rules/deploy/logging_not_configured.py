"""
## What it does
Flags production settings that configure no logging: no `LOGGING`, no
`LOGGING_CONFIG`, and no `logging.config.dictConfig()` / `logging.basicConfig()` /
`structlog.configure()` call in the settings modules production runs. Reported on the
last line of the production settings module.

## Why is this bad?
Django's default logging sends errors to the console only while `DEBUG` is on; in
production it mails them to `ADMINS` (often empty) and drops everything else. A crash
leaves no trace in the container or platform logs, so nobody learns why a request
failed.

## Example
```python
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
```

## Use instead
```python
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
```

## Fix safety
Display-only: the suggested `LOGGING` (console output, `INFO` and above, SQL at
`WARNING`) is a starting point; where logs go is the deployment's choice.

## References
- Django docs: https://docs.djangoproject.com/en/stable/topics/logging/
- Guide §8.3
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import SettingProblem, settings_diagnostics

RULE = Rule(
    code="DJV804",
    name="logging-not-configured",
    family=Family.DEPLOY,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="Production settings configure no `LOGGING`; errors leave no trace in the logs",
    fix_title="Add a `LOGGING` configuration (suggestion)",
    applies_to=FileRole.SETTINGS,
)
_CONFIGURED = re.compile(
    r"\b(dictConfig|fileConfig|basicConfig|structlog\.configure|configure_logging)\s*\("
)
LOGGING = """
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"verbose": {"format": "{levelname} {asctime} {module} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "verbose"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
"""


@RULE.on_module
def check_logging(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if settings.is_set("LOGGING") or settings.is_set("LOGGING_CONFIG"):
            return
        if any(
            _CONFIGURED.search(ctx.project.read(path) or "") for path in settings.chain
        ):
            return
        yield SettingProblem(
            RULE.message, insert=LOGGING, applicability=Applicability.DISPLAY_ONLY
        )

    yield from settings_diagnostics(RULE, ctx, problems)
