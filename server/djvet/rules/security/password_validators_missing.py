"""
## What it does
Flags production settings that accept any password: `AUTH_PASSWORD_VALIDATORS` not set
or empty (Django's default is empty), or a `MinimumLengthValidator` whose `min_length`
is below 8. Only projects with `django.contrib.auth` installed are checked.

## Why is this bad?
Without validators, `createsuperuser`, the admin's password forms and
`SetPasswordForm` / `PasswordChangeForm` accept `1`, `password` or the user's own name.
Those are the first guesses of every credential-stuffing and brute-force run.
`startproject` writes the four standard validators; a settings module written by hand,
or trimmed for tests and copied to production, silently loses them.

## Example
```python
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
AUTH_PASSWORD_VALIDATORS = []
```

## Use instead
```python
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
```

## Fix safety
Unsafe: new and changed passwords must pass the validators (existing passwords keep
working). The fix writes Django's four standard validators, as `startproject` does
(minimum length 8), or raises a `min_length` below 8 to 8 (the floor of NIST SP
800-63B; the guide's example uses 10).

## References
- Django password validation: https://docs.djangoproject.com/en/stable/topics/auth/passwords/#module-django.contrib.auth.password_validation
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Diagnostic, Severity, Span
from djvet.core.parso_utils import iter_nodes, literal_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings, Setting
from djvet.rules.security._settings import (
    SettingProblem,
    installed,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV228",
    name="password-validators-missing",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    message="`AUTH_PASSWORD_VALIDATORS` is not set; users can choose any password, even `1`",
    fix=FixAvailability.SOMETIMES,
    fix_title="Use Django's standard password validators",
    applies_to=FileRole.SETTINGS,
)
_PREFIX = "django.contrib.auth.password_validation."
_STANDARD = (
    "UserAttributeSimilarityValidator",
    "MinimumLengthValidator",
    "CommonPasswordValidator",
    "NumericPasswordValidator",
)
MIN_LENGTH = 8


def standard_validators(indent: str = "") -> str:
    lines = "".join(
        f'{indent}    {{"NAME": "{_PREFIX}{name}"}},\n' for name in _STANDARD
    )
    return f"[\n{lines}{indent}]"


@RULE.on_module
def check_password_validators(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if not installed(settings, "django.contrib.auth"):
            return
        setting = settings.get("AUTH_PASSWORD_VALIDATORS")
        if setting is None:
            yield SettingProblem(
                RULE.message,
                insert=f"AUTH_PASSWORD_VALIDATORS = {standard_validators()}\n",
            )
        elif setting.known and setting.value in ([], ()):
            indent = " " * setting.name_node.start_pos[1]
            yield SettingProblem(
                "`AUTH_PASSWORD_VALIDATORS` is empty; users can choose any password",
                setting,
                replacement=standard_validators(indent),
            )
        elif setting.known and isinstance(setting.value, (list, tuple)):
            yield from _short_minimum(setting)

    yield from settings_diagnostics(RULE, ctx, problems)


def _short_minimum(setting: Setting) -> Iterator[SettingProblem]:
    for validator in setting.value:
        if (
            not isinstance(validator, dict)
            or validator.get("NAME") != _PREFIX + "MinimumLengthValidator"
        ):
            continue
        options = validator.get("OPTIONS")
        length = options.get("min_length") if isinstance(options, dict) else None
        if isinstance(length, int) and length < MIN_LENGTH:
            node = _min_length_node(setting.value_node, length)
            yield SettingProblem(
                f"`MinimumLengthValidator` allows {length}-character passwords; require at least 8",
                setting,
                span=Span.of(node) if node is not None else None,
                edits=(replace_node(node, str(MIN_LENGTH)),)
                if node is not None
                else (),
                fix_title=f"Require at least {MIN_LENGTH} characters",
            )


def _min_length_node(value_node: Any, length: int) -> Any:
    """The value node of `"min_length": <length>` inside the literal."""
    for node in iter_nodes(value_node, {"dictorsetmaker"}):
        children = node.children
        for index in range(0, len(children) - 2):
            if (
                literal_value(children[index]) == "min_length"
                and children[index + 1] == ":"
                and literal_value(children[index + 2]) == length
            ):
                return children[index + 2]
    return None
