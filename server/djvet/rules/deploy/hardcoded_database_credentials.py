"""
## What it does
Flags a database password written into the production settings: a literal
`"PASSWORD"` in `DATABASES` (also `DATABASES["default"]["PASSWORD"] = "..."`), a
non-empty environment default (`os.environ.get("DB_PASSWORD", "secret")`), or a URL
with a password (`dj_database_url.parse("postgres://app:secret@db/app")`). Development
and test settings are not checked.

## Why is this bad?
Anyone who can read the repository — every developer, CI log, fork or leaked backup —
can log into the database. A password in source cannot be rotated without a deploy and
is shared by every environment. Read credentials (and the host and user they go with)
from the environment.

## Example
```python
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "s3cret-pw",
        "HOST": "db.internal",
    }
}
```

## Use instead
```python
import os

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": os.environ.get("DB_USER", "shop"),
        "PASSWORD": os.environ["DB_PASSWORD"],
        "HOST": os.environ.get("DB_HOST", "db.internal"),
    }
}
```

## Fix safety
Unsafe: after the fix the deployment must set the password variable (`DB_PASSWORD`, or
the variable already read) or the site fails at start; `USER` and `HOST` keep their old
values as defaults. A password in a URL is reported without a fix.

## References
- Django deployment checklist: https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#databases
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import production_settings_for
from djvet.project.settings_values import Trace, evaluate
from djvet.rules.deploy._literals import URL_PASSWORD, dict_entries, statements_about
from djvet.rules.security._settings import env_expression, env_imports, required_env

RULE = Rule(
    code="DJV801",
    name="hardcoded-database-credentials",
    family=Family.DEPLOY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="Database password is hard-coded in production settings; read it from the environment",
    fix_title="Read the database credentials from the environment",
    applies_to=FileRole.SETTINGS,
)


@RULE.on_module
def check_databases(ctx: FileContext) -> Iterator[Diagnostic]:
    views = production_settings_for(ctx.project, ctx.path)
    if not views:
        return
    for settings in views:
        setting = settings.get("DATABASES")
        if setting is not None and setting.path == ctx.path:
            yield from _in_value(ctx, setting.value_node)
    for statement in statements_about(ctx.tree, "DATABASES"):
        yield from _subscript_assignment(ctx, statement)


def _in_value(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    for path, _key, value in dict_entries(node):
        if len(path) == 2 and path[1] == "PASSWORD":
            found = _hard_coded(value)
            if found is not None:
                message, var = found
                yield RULE.diagnostic(
                    ctx,
                    value,
                    message=message,
                    fix=_dict_fix(ctx, node, path[0], value, var),
                )
    for leaf in iter_nodes(node, {"string"}):
        if URL_PASSWORD.match(string_value(leaf) or ""):
            yield RULE.diagnostic(
                ctx,
                leaf,
                message="Database URL holds a hard-coded password; "
                "read the URL from the environment",
            )


def _hard_coded(value: Any) -> tuple[str, str | None] | None:
    """(message, environment variable already read) for a non-empty literal password
    or environment default; None otherwise."""
    literal = string_value(value)
    if literal is not None:
        return (RULE.message, None) if literal else None
    trace = Trace()
    default = evaluate(value, trace)
    if trace.used and isinstance(default, str) and default:
        return (
            f"Database password defaults to a hard-coded value when `{trace.var}` is unset",
            trace.var,
        )
    return None


def _variable(alias: str, key: str) -> str:
    return f"DB_{key}" if alias == "default" else f"{alias.upper()}_DB_{key}"


def _dict_fix(
    ctx: FileContext, node: Any, alias: str, password: Any, var: str | None
) -> Fix:
    edits = [
        Edit(Span.of(password), required_env(ctx, var or _variable(alias, "PASSWORD")))
    ]
    if var is None:  # also the literal user and host that go with the password
        for path, _key, value in dict_entries(node):
            literal = string_value(value)
            if (
                len(path) == 2
                and path[0] == alias
                and path[1] in ("USER", "HOST")
                and literal
            ):
                edits.append(
                    Edit(
                        Span.of(value),
                        env_expression(ctx, _variable(alias, path[1]), "str", literal),
                    )
                )
    return Fix.unsafe(RULE.fix_title or "", *edits, *env_imports(ctx))


def _subscript_assignment(ctx: FileContext, statement: Any) -> Iterator[Diagnostic]:
    """`DATABASES["default"]["PASSWORD"] = "secret"`."""
    children = statement.children
    if statement.type != "expr_stmt" or len(children) != 3 or children[1] != "=":
        return
    target = children[0]
    if target.type not in ("atom_expr", "power") or len(target.children) != 3:
        return
    keys = [
        string_value(t.children[1]) for t in target.children[1:] if t.children[0] == "["
    ]
    found = _hard_coded(children[2]) if keys[-1:] == ["PASSWORD"] else None
    if found is None or not keys[0]:
        return
    message, var = found
    replacement = required_env(ctx, var or _variable(keys[0], "PASSWORD"))
    fix = Fix.unsafe(
        RULE.fix_title or "", Edit(Span.of(children[2]), replacement), *env_imports(ctx)
    )
    yield RULE.diagnostic(ctx, children[2], message=message, fix=fix)
