"""
## What it does
Flags production settings whose `ALLOWED_HOSTS` accepts any `Host` header (`'*'`, as a
literal or as an environment default), or is empty: a literal `[]`, or not set at all
(Django's default is empty; `check --deploy` reports it as `security.W020`).

An environment lookup whose default is empty (`os.environ.get("DJANGO_ALLOWED_HOSTS",
"").split(",")`, `env.list("ALLOWED_HOSTS", default=[])`) is not flagged: with the
variable missing Django rejects every request, so the deployment fails closed and the
variable is clearly meant to be set. (Django's `check --deploy` does report the
`env.list` form, because it sees the empty default.)

## Why is this bad?
Django builds absolute URLs — password-reset links, redirects, `request.build_absolute_uri()`
— from the `Host` header. With `'*'` any host is trusted, so an attacker can send a
reset request with `Host: evil.example` and the victim receives a genuine email with a
link to the attacker's site. `ALLOWED_HOSTS` is the list of names the site answers to.

## Example
```python
ALLOWED_HOSTS = ["*"]
```

## Use instead
```python
import os

ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
# e.g. DJANGO_ALLOWED_HOSTS=example.com,www.example.com
```

## Fix safety
Unsafe: after the fix the deployment must list its host names in the environment
variable (the same variable when the value was already read from one); until then
Django answers every request with 400 Bad Request.

## References
- Django settings: https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
- Django system check `security.W020`
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings, Setting
from djvet.rules.security._settings import (
    SettingProblem,
    env_expression,
    env_imports,
    item_span,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV203",
    name="allowed-hosts-permissive",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.ALWAYS,
    message="`ALLOWED_HOSTS` accepts any host (`'*'`); forged `Host` headers poison reset links",
    fix_title="Read `ALLOWED_HOSTS` from the environment",
    applies_to=FileRole.SETTINGS,
    django_checks=("security.W020",),
)


@RULE.on_module
def check_allowed_hosts(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        hosts = settings.get("ALLOWED_HOSTS")
        if hosts is None:
            yield SettingProblem(
                "`ALLOWED_HOSTS` is not set; production settings must list the site's host names",
                insert=f"ALLOWED_HOSTS = {_from_env(ctx, None)}\n",
                edits=env_imports(ctx),
                django_check="security.W020",
            )
        elif hosts.contains("*"):
            yield SettingProblem(
                _wildcard_message(hosts),
                hosts,
                replacement=_from_env(ctx, hosts),
                edits=env_imports(ctx),
                span=item_span(hosts, "*"),
            )
        elif hosts.known and not hosts.from_env and hosts.value in ([], ()):
            yield SettingProblem(
                "`ALLOWED_HOSTS` is empty; production settings must list host names",
                hosts,
                replacement=_from_env(ctx, hosts),
                edits=env_imports(ctx),
                django_check="security.W020",
            )

    yield from settings_diagnostics(RULE, ctx, problems)


def _wildcard_message(hosts: Setting) -> str:
    if hosts.from_env:
        return (
            f"`ALLOWED_HOSTS` defaults to `'*'` when `{hosts.env_var or 'its variable'}` "
            "is unset; any `Host` header is trusted"
        )
    return RULE.message


def _from_env(ctx: FileContext, hosts: Setting | None) -> str:
    variable = (
        hosts.env_var if hosts is not None and hosts.env_var else "DJANGO_ALLOWED_HOSTS"
    )
    return env_expression(ctx, variable, "list", [])
