"""
## What it does
Flags a `SECRET_KEY` written into the production settings: a string literal, or the
default of an environment lookup (`os.environ.get("SECRET_KEY", "dev-key")`) that
production falls back to when the variable is missing. It also flags string literals in
`SECRET_KEY_FALLBACKS`.

A key is also called *weak* when Django's `check --deploy` would (`security.W009`,
`security.W025`): shorter than 50 characters, fewer than 5 distinct characters, or
starting with `django-insecure-` (the placeholder `startproject` writes).

An environment lookup with no default, or with an empty default, is fine: Django then
refuses to sign anything, so a missing variable fails closed.

## Why is this bad?
`SECRET_KEY` signs sessions, password-reset tokens, messages and every
`signing.dumps()` value. Anyone who has read the repository (or a leaked copy, a
fork, a CI log) can forge a logged-in session for any user. A key in source control
cannot be rotated without a deploy, and it is shared by every environment.

## Example
```python
SECRET_KEY = "django-insecure-abc123hardcoded"
```

## Use instead
```python
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # fail loudly if not set
```

## Fix safety
Unsafe: after the fix the deployment must set the variable (the same variable when the
key was an environment default), or the site refuses to start. Sessions signed with the
old key end; add the old key to `SECRET_KEY_FALLBACKS` (from the environment) to keep
them while rotating. Hard-coded fallback keys are reported without a fix.

## References
- Django settings: https://docs.djangoproject.com/en/stable/ref/settings/#secret-key
- Django system checks `security.W009`, `security.W025`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings, Setting
from djvet.rules.security._settings import (
    SettingProblem,
    env_imports,
    required_env,
    settings_diagnostics,
    string_items,
)

RULE = Rule(
    code="DJV202",
    name="hardcoded-secret-key",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="`SECRET_KEY` is hard-coded; anyone with the source can forge sessions",
    fix_title="Read `SECRET_KEY` from the environment",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W009", "security.W025"),
)


def is_weak(key: str) -> bool:
    """Django's own test (`security.W009`)."""
    return len(set(key)) < 5 or len(key) < 50 or key.startswith("django-insecure-")


@RULE.on_module
def check_secret_key(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        key = settings.get("SECRET_KEY")
        if _hard_coded(key):
            assert key is not None
            replacement = required_env(ctx, key.env_var or "DJANGO_SECRET_KEY")
            message = _message("SECRET_KEY", key.value, key.env_var, key.from_env)
            yield SettingProblem(
                message,
                key,
                replacement=replacement,
                edits=env_imports(ctx),
                django_check="security.W009" if is_weak(key.value) else None,
            )
        fallbacks = settings.get("SECRET_KEY_FALLBACKS")
        if (
            fallbacks is not None
            and fallbacks.known
            and isinstance(fallbacks.value, (list, tuple))
        ):
            yield from _fallback_problems(fallbacks)

    yield from settings_diagnostics(RULE, ctx, problems)


def _hard_coded(setting: Setting | None) -> bool:
    # An empty environment default fails closed: Django refuses an empty key.
    return (
        setting is not None
        and setting.known
        and isinstance(setting.value, str)
        and not (setting.from_env and setting.value == "")
    )


def _fallback_problems(fallbacks: Setting) -> Iterator[SettingProblem]:
    located = {value: node for node, value in string_items(fallbacks) or ()}
    for index, key in enumerate(fallbacks.value):
        if not isinstance(key, str) or (fallbacks.from_env and key == ""):
            continue
        node = located.get(key)
        # A string literal in the list is hard-coded even when other items read the environment.
        env_var = fallbacks.env_var if fallbacks.from_env and node is None else None
        yield SettingProblem(
            _message(
                f"SECRET_KEY_FALLBACKS[{index}]",
                key,
                env_var,
                fallbacks.from_env and node is None,
            ),
            fallbacks,
            span=Span.of(node) if node is not None else None,
            django_check="security.W025" if is_weak(key) else None,
        )


def _message(name: str, key: str, env_var: str | None, from_env: bool) -> str:
    weak = " weak" if is_weak(key) else ""
    if from_env:
        return f"`{name}` defaults to a hard-coded{weak} key when `{env_var or 'its variable'}` is unset"
    if weak:
        return f"`{name}` is a hard-coded, weak key; anyone can forge sessions"
    return (
        RULE.message
        if name == "SECRET_KEY"
        else f"`{name}` is hard-coded in the settings"
    )
