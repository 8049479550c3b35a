"""
## What it does
Flags `DEBUG = True` in settings that production runs: a literal `True`, or an
environment lookup whose default is true (`env.bool("DEBUG", default=True)`,
`os.environ.get("DEBUG", "True") == "True"`).

Development and test settings modules are not checked. A base module is checked
through the production module that star-imports it, unless production overrides
`DEBUG`.

## Why is this bad?
With `DEBUG` on, any error page shows a full traceback with local variables, your
settings (minus a few redacted names) and the SQL that ran. Django also keeps every
query in memory and serves static files inefficiently. A forgotten environment
variable must fail closed, so the default has to be `False`.

## Example
```python
DEBUG = True
```

## Use instead
```python
import os

DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"
```

## Fix safety
Unsafe: after the fix, `DEBUG` is off unless the environment turns it on, which
changes how the site behaves wherever this module runs without that variable.

## References
- Django deployment checklist: https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug
- Django system check `security.W018`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SettingProblem,
    env_expression,
    env_imports,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV201",
    name="debug-enabled",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.ALWAYS,
    message="`DEBUG` is on in production settings; tracebacks and settings leak to visitors",
    fix_title="Read `DEBUG` from the environment, off by default",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W018",),
)


@RULE.on_module
def check_debug(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        setting = settings.get("DEBUG")
        if setting is None or not setting.known or not setting.value:
            return
        if setting.from_env:
            message = (
                f"`DEBUG` defaults to `True` when `{setting.env_var or 'the variable'}` "
                "is unset; production must fail closed"
            )
        else:
            message = RULE.message
        # Keep the variable the deployment already sets.
        replacement = env_expression(
            ctx, setting.env_var or "DJANGO_DEBUG", "bool", False
        )
        yield SettingProblem(
            message,
            setting,
            replacement=replacement,
            edits=env_imports(ctx),
            django_check="security.W018",
        )

    yield from settings_diagnostics(RULE, ctx, problems)
