"""
## What it does
Flags `migrations.RunSQL(sql)` without a `reverse_sql`. For a single `CREATE INDEX`,
`CREATE EXTENSION`, `CREATE VIEW`, `CREATE TABLE`, `CREATE TRIGGER`, `CREATE SEQUENCE`
or `ALTER TABLE ... ADD COLUMN` statement it suggests the statement that undoes it.

## Why is this bad?
Django cannot unapply a `RunSQL` it has no reverse for: rolling the migration back
stops with `IrreversibleError`. Only the author knows what undoes arbitrary SQL, so
write it (or `migrations.RunSQL.noop` when nothing needs undoing).

## Example
```python
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("library", "0002_book_title")]
    operations = [
        migrations.RunSQL("CREATE INDEX book_title_lower ON library_book (lower(title))"),
    ]
```

## Use instead
```python
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("library", "0002_book_title")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX book_title_lower ON library_book (lower(title))",
            reverse_sql="DROP INDEX IF EXISTS book_title_lower",
        ),
    ]
```

## Fix safety
Display-only: the suggested reverse is derived from the statement's text; read it
before you use it.

## References
- Django docs: https://docs.djangoproject.com/en/stable/ref/migration-operations/#runsql
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_after
from djvet.core.model import Diagnostic, Fix, Severity, Span
from djvet.core.parso_utils import string_value, top_level_assignments
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.tooling._migrations import operation

RULE = Rule(
    code="DJV903",
    name="runsql-without-reverse",
    family=Family.TOOLING,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`RunSQL` without `reverse_sql` makes the migration irreversible",
    fix_title="Add the `reverse_sql` that undoes it",
    applies_to=FileRole.MIGRATIONS,
)
_NAME = r"(?P<name>[\w.\"]+)"
_REVERSES = [
    (
        re.compile(
            rf"^create\s+(unique\s+)?index\s+(?P<c>concurrently\s+)?(if\s+not\s+exists\s+)?{_NAME}\s+on\s",
            re.I,
        ),
        "DROP INDEX {c}IF EXISTS {name}",
    ),
    (
        re.compile(rf"^create\s+extension\s+(if\s+not\s+exists\s+)?{_NAME}", re.I),
        "DROP EXTENSION IF EXISTS {name}",
    ),
    (
        re.compile(
            rf"^create\s+(or\s+replace\s+)?(?P<m>materialized\s+)?view\s+{_NAME}", re.I
        ),
        "DROP {m}VIEW IF EXISTS {name}",
    ),
    (
        re.compile(rf"^create\s+table\s+(if\s+not\s+exists\s+)?{_NAME}", re.I),
        "DROP TABLE IF EXISTS {name}",
    ),
    (
        re.compile(rf"^create\s+sequence\s+(if\s+not\s+exists\s+)?{_NAME}", re.I),
        "DROP SEQUENCE IF EXISTS {name}",
    ),
    (
        re.compile(
            rf"^create\s+(or\s+replace\s+)?trigger\s+{_NAME}\s.*?\son\s+(?P<table>[\w.\"]+)",
            re.I | re.S,
        ),
        "DROP TRIGGER IF EXISTS {name} ON {table}",
    ),
    (
        re.compile(
            rf"^alter\s+table\s+(?P<table>[\w.\"]+)\s+add\s+column\s+(if\s+not\s+exists\s+)?{_NAME}",
            re.I,
        ),
        "ALTER TABLE {table} DROP COLUMN IF EXISTS {name}",
    ),
]


@RULE.on("atom_expr", "power")
def check_run_sql(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    found = operation(ctx.tree, ctx.path, node, {"RunSQL"})
    if found is None or found.argument(1, "reverse_sql") is not None:
        return
    sql_node = found.argument(0, "sql")
    if sql_node is None or sql_node.get_code(include_prefix=False).startswith("*"):
        return
    callee = Span.between(node.children[0], node.children[-2])
    reverse = reverse_sql(_text(ctx.tree, sql_node) or "")
    fix = None
    if reverse is not None:
        quote = "'" if '"' in reverse else '"'
        anchor = sql_node if "sql" not in found.keywords else sql_node.parent
        fix = Fix.display_only(
            f"Add `reverse_sql` ({reverse.split(' IF ')[0]} ...)",
            insert_after(anchor, f", reverse_sql={quote}{reverse}{quote}"),
        )
    yield RULE.diagnostic(ctx, callee, fix=fix)


def _text(tree: Any, node: Any) -> str | None:
    """A string literal, or a module-level constant holding one."""
    if node.type != "name":
        return string_value(node)
    for name, value in top_level_assignments(tree):
        if name.value == node.value:
            return string_value(value)
    return None


def reverse_sql(sql: str) -> str | None:
    """The statement undoing a single `CREATE ...` statement, or None."""
    statement = sql.strip().rstrip(";").strip()
    if not statement or ";" in statement:
        return None
    for pattern, template in _REVERSES:
        match = pattern.match(statement)
        if match is not None:
            values = {k: (v or "") for k, v in match.groupdict().items()}
            values["c"] = "CONCURRENTLY " if values.get("c") else ""
            values["m"] = "MATERIALIZED " if values.get("m") else ""
            return template.format(**values)
    return None
