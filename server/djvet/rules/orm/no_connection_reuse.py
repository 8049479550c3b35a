"""
## What it does
Flags a database in the production `DATABASES` that opens a new connection for every
request: no `CONN_MAX_AGE` (or `0`) and no connection pool (`OPTIONS["pool"]`). Also
`dj_database_url.config()` / `parse()` without `conn_max_age`. SQLite databases are
not flagged.

The advice depends on the Django version (read from `[tool.djvet] django-version`,
the project's interpreter, or its requirement pins): with Django 5.1 or newer,
PostgreSQL and psycopg 3 in the requirements, the fix turns on Django's connection
pool; otherwise it sets `CONN_MAX_AGE` (and `CONN_HEALTH_CHECKS` from Django 4.1).

## Why is this bad?
Opening a database connection costs a TCP (often TLS) handshake and authentication:
milliseconds on every request, and a load on the database server under traffic.
Persistent connections or a pool reuse them.

## Example
```python
INSTALLED_APPS = ["django.contrib.auth"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "shop",
    }
}
```

## Use instead
```python
INSTALLED_APPS = ["django.contrib.auth"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "shop",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
```

## Fix safety
Unsafe. A pool needs `psycopg[pool]` installed and excludes `CONN_MAX_AGE` (Django
refuses both); its size must fit the database's `max_connections` across all
processes. Persistent connections stay open between requests (each worker thread
keeps one), and under ASGI they are not reused — use a pool there.

## References
- Django docs: Persistent connections (https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections)
- Django docs: Connection pool (https://docs.djangoproject.com/en/stable/ref/databases/#connection-pool)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import call_arguments, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import UNKNOWN, production_settings_for
from djvet.project.versions import django_version, requirement_names
from djvet.rules.orm._settings import SPLAT, dict_entries, insert_entry

RULE = Rule(
    code="DJV122",
    name="no-connection-reuse",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Every request opens a new database connection; reuse connections",
    fix_title="Keep database connections open between requests",
    applies_to=FileRole.SETTINGS,
)
# Django's pool is built on psycopg 3's (`psycopg[pool]`); psycopg2 has none.
PSYCOPG3 = frozenset({"psycopg", "psycopg-binary", "psycopg-c", "psycopg-pool"})


@RULE.on_module
def check_databases(ctx: FileContext) -> Iterator[Diagnostic]:
    if "DATABASES" not in ctx.text:
        return
    seen: set[int] = set()
    for settings in production_settings_for(ctx.project, ctx.path):
        setting = settings.get("DATABASES")
        if (
            setting is None
            or setting.path != ctx.path
            or id(setting.value_node) in seen
        ):
            continue
        seen.add(id(setting.value_node))
        if _tuned_elsewhere(ctx, settings.chain, setting.value_node):
            continue
        for alias, node in dict_entries(setting.value_node):
            yield from _check_alias(ctx, alias, node)


def _tuned_elsewhere(ctx: FileContext, chain: list[str], literal: Any) -> bool:
    """`DATABASES["default"]["CONN_MAX_AGE"] = 60` after the literal, or in a module that
    builds on it: djvet does not follow such updates, so it stays quiet."""
    inside = literal.get_code()
    for path in chain:
        text = ctx.project.read(path) or ""
        outside = text.replace(inside, "") if path == ctx.path else text
        if any(
            word in outside
            for word in ("CONN_MAX_AGE", "conn_max_age", '"pool"', "'pool'")
        ):
            return True
    return False


def _check_alias(ctx: FileContext, alias: str, node: Any) -> Iterator[Diagnostic]:
    if node.type in ("atom_expr", "power"):
        yield from _check_url_config(ctx, alias, node)
        return
    entries = dict(dict_entries(node))
    if not entries or SPLAT in entries:
        return
    engine = string_value(entries["ENGINE"]) if "ENGINE" in entries else None
    if engine is None and "ENGINE" in entries:
        engine = _default_of(entries["ENGINE"])
    if engine is None or "sqlite" in engine:
        return
    options = dict(dict_entries(entries["OPTIONS"])) if "OPTIONS" in entries else {}
    if (
        "pool" in options
        or SPLAT in options
        or (
            "OPTIONS" in entries
            and not options
            and entries["OPTIONS"].get_code().strip() != "{}"
        )
    ):
        return  # a pool, or options djvet cannot read
    age = entries.get("CONN_MAX_AGE")
    if age is not None and age.get_code().strip() not in ("0",):
        return
    yield _finding(ctx, alias, node, engine, entries)


def _finding(
    ctx: FileContext, alias: str, node: Any, engine: str, entries: dict[str, Any]
) -> Diagnostic:
    version = django_version(ctx.project)
    psycopg3 = bool(requirement_names(ctx.project) & PSYCOPG3)
    pool = (
        "postgresql" in engine
        and version.at_least(5, 1) is True
        and psycopg3
        and "CONN_MAX_AGE" not in entries
    )
    if pool:
        message = f"`DATABASES['{alias}']` connects anew on every request; use Django's connection pool"
        fix = _pool_fix(node, entries)
    else:
        message = (
            f"`DATABASES['{alias}']` connects anew on every request; set `CONN_MAX_AGE`"
        )
        health = version.at_least(4, 1) is True and "CONN_HEALTH_CHECKS" not in entries
        fix = _age_fix(node, entries, health)
    return RULE.diagnostic(ctx, node, message=message, fix=fix)


def _pool_fix(node: Any, entries: dict[str, Any]) -> Fix | None:
    options = entries.get("OPTIONS")
    if options is None:
        edit = insert_entry(node, '"OPTIONS": {"pool": True}')
    elif options.type == "atom" and options.children[0] == "{":
        edit = insert_entry(options, '"pool": True')
    else:
        return None
    return (
        Fix.unsafe("Use Django's connection pool (needs `psycopg[pool]`)", edit)
        if edit
        else None
    )


def _age_fix(node: Any, entries: dict[str, Any], health: bool) -> Fix | None:
    if "CONN_MAX_AGE" in entries:
        edits = [Edit(Span.of(entries["CONN_MAX_AGE"]), "60")]
        if health:
            edits.append(insert_entry(node, '"CONN_HEALTH_CHECKS": True'))
    else:
        entries = ['"CONN_MAX_AGE": 60'] + (
            ['"CONN_HEALTH_CHECKS": True'] if health else []
        )
        edits = [insert_entry(node, *entries)]
    if any(e is None for e in edits):
        return None
    return Fix.unsafe("Keep connections for 60 seconds (`CONN_MAX_AGE`)", *edits)


def _check_url_config(ctx: FileContext, alias: str, node: Any) -> Iterator[Diagnostic]:
    """`dj_database_url.config(...)` / `parse(...)`: `conn_max_age` defaults to 0."""
    callee = "".join(c.get_code(include_prefix=False) for c in node.children[:-1])
    call = node.children[-1]
    if (
        callee not in ("dj_database_url.config", "dj_database_url.parse")
        or call.children[0] != "("
    ):
        return
    arguments = call.children[1] if len(call.children) == 3 else None
    positional, keywords = call_arguments(arguments)
    if "conn_max_age" in keywords or any(p.type == "argument" for p in positional):
        return  # set, or `**options` may set it
    message = (
        f"`DATABASES['{alias}']` connects anew on every request; pass `conn_max_age`"
    )
    edit = insert_entry(call, "conn_max_age=60")
    fix = (
        Fix.unsafe("Keep connections for 60 seconds (`conn_max_age`)", edit)
        if edit
        else None
    )
    yield RULE.diagnostic(ctx, node, message=message, fix=fix)


def _default_of(node: Any) -> str | None:
    """The default of `os.environ.get("DB_ENGINE", "django.db.backends.postgresql")`."""
    if node.type not in ("atom_expr", "power"):
        return None
    call = node.children[-1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    default = keywords.get("default") or (
        positional[1] if len(positional) > 1 else None
    )
    value = string_value(default) if default is not None else None
    return value if value is not None and value is not UNKNOWN else None
