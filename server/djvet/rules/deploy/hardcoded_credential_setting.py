"""
## What it does
Flags credentials written into the production settings, other than `SECRET_KEY`
(DJV202) and `DATABASES` (DJV801): settings named like a secret
(`EMAIL_HOST_PASSWORD`, `AWS_SECRET_ACCESS_KEY`, `STRIPE_API_KEY`, `*_TOKEN`,
`*_SECRET`), such keys in dict settings (`ANYMAIL = {"MAILGUN_API_KEY": ...}`), and
URLs with a password (`CELERY_BROKER_URL = "redis://:pw@cache:6379/0"`) — as literals or
as non-empty environment defaults. Public keys (`*_PUBLIC_KEY`, `*_PUBLISHABLE_KEY`,
`*_SITE_KEY`), paths and dotted import paths are not credentials.

## Why is this bad?
A credential in the repository is readable by everyone who can read the code, lives
forever in its history, and cannot be rotated without a deploy. Mail, payment and cloud
keys let an attacker send mail as you, refund payments or empty a bucket.

## Example
```python
EMAIL_HOST_PASSWORD = "hunter2-mail"
```

## Use instead
```python
import os

EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]
```

## Fix safety
Unsafe: after the fix the deployment must set the variable (named after the setting,
or the one already read), or the site fails at start.

## References
- Django deployment checklist: https://docs.djangoproject.com/en/stable/howto/deployment/checklist/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import Setting, production_settings_for
from djvet.project.settings_values import Trace, evaluate
from djvet.rules.deploy._literals import URL_PASSWORD, dict_entries
from djvet.rules.security._settings import env_imports, required_env

RULE = Rule(
    code="DJV802",
    name="hardcoded-credential-setting",
    family=Family.DEPLOY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="Credential is hard-coded in production settings; read it from the environment",
    fix_title="Read the credential from the environment",
    applies_to=FileRole.SETTINGS,
)
_SECRET = re.compile(
    r"(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|AUTH_KEY)$",
    re.I,
)
_PUBLIC = re.compile(
    r"PUBLIC|PUBLISHABLE|SITE_KEY|HEADER|PREFIX|FIELD|PARAM|COOKIE|NAME$", re.I
)
_OWNED = {"SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASES"}  # DJV202, DJV801
_NOT_A_SECRET = re.compile(
    r"^([A-Za-z_]\w*\.)+[A-Za-z_]\w*$|^[./~]|^https?://[^@]*$|\s"
)


@RULE.on_module
def check_credentials(ctx: FileContext) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for settings in production_settings_for(ctx.project, ctx.path):
        for name, setting in settings.values.items():
            if (
                name in _OWNED
                or name in seen
                or setting.path != ctx.path
                or setting.conditional
            ):
                continue
            seen.add(name)
            yield from _setting_findings(ctx, name, setting)


def _setting_findings(
    ctx: FileContext, name: str, setting: Setting
) -> Iterator[Diagnostic]:
    node = setting.value_node
    if _is_secret_name(name):
        found = _hard_coded(node)
        if found is not None:
            yield _finding(ctx, node, name, found, name)
            return
    for path, _key, value in dict_entries(node):
        if _is_secret_name(path[-1]):
            found = _hard_coded(value)
            if found is not None:
                variable = re.sub(r"\W+", "_", "_".join((name, *path))).upper()
                yield _finding(ctx, value, f"{name}[{path[-1]!r}]", found, variable)
    for leaf in iter_nodes(node, {"string"}):
        if URL_PASSWORD.match(string_value(leaf) or ""):
            variable = name if leaf is node else None
            yield _finding(
                ctx,
                leaf,
                name,
                (f"`{name}` holds a URL with a hard-coded password", None),
                variable,
            )


def _is_secret_name(name: str) -> bool:
    return bool(_SECRET.search(name)) and not _PUBLIC.search(name)


def _hard_coded(value: Any) -> tuple[str, str | None] | None:
    """(how, variable already read) for a credential-like literal or env default."""
    literal = string_value(value)
    if literal is not None:
        return ("is hard-coded", None) if _looks_secret(literal) else None
    trace = Trace()
    default = evaluate(value, trace)
    if trace.used and isinstance(default, str) and _looks_secret(default):
        return f"defaults to a hard-coded value when `{trace.var}` is unset", trace.var
    return None


def _looks_secret(value: str) -> bool:
    return len(value) >= 4 and not _NOT_A_SECRET.search(value)


def _finding(
    ctx: FileContext,
    node: Any,
    shown: str,
    found: tuple[str, str | None],
    variable: str | None,
) -> Diagnostic:
    how, env_var = found
    if how.startswith("`"):
        message = how
    elif env_var is None:
        message = f"`{shown}` {how}; read it from the environment"
    else:
        message = f"`{shown}` {how}"
    fix = None
    if variable is not None or env_var is not None:
        replacement = required_env(ctx, env_var or variable or "")
        fix = Fix.unsafe(
            RULE.fix_title or "", Edit(Span.of(node), replacement), *env_imports(ctx)
        )
    return RULE.diagnostic(
        ctx, node, message=message if len(message) <= 100 else RULE.message, fix=fix
    )
