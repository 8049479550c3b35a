"""
## What it does
On PostgreSQL, flags migration operations that lock a table that already exists:
`AddIndex` (use `AddIndexConcurrently`), `AddField` with `db_index=True` or
`unique=True`, a `RunSQL` `CREATE INDEX` without `CONCURRENTLY`, and `AddField` of a
`NOT NULL` column without a default. Tables created in the same migration or in the
app's initial migration it depends on (makemigrations' split of circular foreign keys),
and initial migrations, are left alone.

## Why is this bad?
`CREATE INDEX` blocks every write to the table until the index is built — minutes on
a large table, during which the site's inserts and updates queue up and time out. A
`NOT NULL` column without a default cannot be added to a table with rows at all.
`CREATE INDEX CONCURRENTLY` (Django's `AddIndexConcurrently`, in a migration with
`atomic = False`) builds the index without blocking writes.

## Example
```python
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("library", "0004_book_search")]
    operations = [
        migrations.AddIndex(model_name="book", index=GinIndex(fields=["search"], name="book_search_gin")),
    ]
```

## Use instead
```python
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("library", "0004_book_search")]
    operations = [
        AddIndexConcurrently(model_name="book", index=GinIndex(fields=["search"], name="book_search_gin")),
    ]
```

## Fix safety
Display-only: `AddIndexConcurrently` needs `atomic = False`, so a failure halfway
leaves the migration partly applied (and an invalid index to drop by hand). For index
fields and `NOT NULL` columns the change is a rewrite into several steps
(`SeparateDatabaseAndState`, or nullable column, backfill, then `NOT NULL`).

## References
- Django docs: https://docs.djangoproject.com/en/stable/ref/contrib/postgres/operations/#concurrent-index-operations
- PostgreSQL docs: https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import code_of, iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.tasks._imports import add_import, module_names
from djvet.rules.tooling._database import uses_postgres
from djvet.rules.tooling._locks import CREATE_INDEX, field_problems, for_postgres
from djvet.rules.tooling._migrations import (
    Operation,
    fresh_tables,
    is_initial,
    migration_class,
    model_name_of,
    operation,
)

RULE = Rule(
    code="DJV905",
    name="migration-locks-table",
    family=Family.TOOLING,
    severity=Severity.INFORMATION,
    fix=FixAvailability.SOMETIMES,
    message="This operation locks the table on PostgreSQL while it runs",
    fix_title="Build the index with `AddIndexConcurrently` (`atomic = False`)",
    applies_to=FileRole.MIGRATIONS,
)
_OPERATIONS = {"AddIndex", "AddField", "RunSQL"}


@RULE.on_module
def check_migration(ctx: FileContext) -> Iterator[Diagnostic]:
    if is_initial(ctx.tree) or not uses_postgres(ctx.project, ctx.text):
        return
    created = fresh_tables(ctx.tree, ctx.path, ctx.project)
    for node in iter_nodes(ctx.tree, {"atom_expr", "power"}):
        found = operation(ctx.tree, ctx.path, node, _OPERATIONS)
        if found is None or (
            found.name != "RunSQL" and model_name_of(found) in created
        ):
            continue
        if not for_postgres(node):
            continue  # under `if connection.vendor == "sqlite":`
        callee = Span.between(node.children[0], node.children[-2])
        for message in _problems(found):
            fix = _concurrently(ctx, found) if found.name == "AddIndex" else None
            yield RULE.diagnostic(ctx, callee, message=message, fix=fix)


def _problems(found: Operation) -> Iterator[str]:
    if found.name == "AddIndex":
        yield "`AddIndex` blocks writes to the table while the index builds; use `AddIndexConcurrently`"
    elif found.name == "RunSQL":
        sql = found.argument(0, "sql")
        if sql is not None and CREATE_INDEX.search(string_value(sql) or ""):
            yield "`CREATE INDEX` without `CONCURRENTLY` blocks writes to the table while it builds"
    else:
        yield from field_problems(found)


def _concurrently(ctx: FileContext, found: Operation) -> Fix | None:
    cls = migration_class(ctx.tree)
    if (
        cls is None
        or "AddIndexConcurrently" in module_names(ctx.tree)
        and "AddIndexConcurrently" not in _imported(ctx)
    ):
        return None
    edits: list[Edit] = [
        Edit(
            Span.between(found.node.children[0], found.node.children[-2]),
            "AddIndexConcurrently",
        )
    ]
    if "AddIndexConcurrently" not in _imported(ctx):
        edits.append(
            add_import(
                ctx.tree, "django.contrib.postgres.operations", "AddIndexConcurrently"
            )
        )
    if "atomic = False" not in code_of(cls):
        first = [c for c in cls.children[-1].children if c.type != "newline"][0]
        edits.append(
            Edit(
                Span.point(first.start_pos[0] - 1, 0),
                f"{' ' * first.start_pos[1]}atomic = False\n",
            )
        )
    return Fix.display_only(RULE.fix_title or "", *edits)


def _imported(ctx: FileContext) -> set[str]:
    return {
        name.value
        for node in ctx.tree.iter_imports()
        for name in node.get_defined_names()
    }
