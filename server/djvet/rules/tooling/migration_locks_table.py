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

import re
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import code_of, iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.tasks._imports import add_import, module_names
from djvet.rules.tooling._database import uses_postgres
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
_CREATE_INDEX = re.compile(r"\bcreate\s+(unique\s+)?index\s+(?!concurrently\b)", re.I)
# Column types whose `NOT NULL` needs a value for existing rows (no M2M, no generated columns).
_STRINGS = re.compile(r"(Char|Text|Slug|Email|URL|File|Image)Field$")
_COLUMNS = re.compile(r"^models\.(?!ManyToMany|Generated)\w*Field$|^models\.(ForeignKey|OneToOneField)$")


@RULE.on_module
def check_migration(ctx: FileContext) -> Iterator[Diagnostic]:
    if is_initial(ctx.tree) or not uses_postgres(ctx.project, ctx.text):
        return
    created = fresh_tables(ctx.tree, ctx.path, ctx.project)
    for node in iter_nodes(ctx.tree, {"atom_expr", "power"}):
        found = operation(ctx.tree, ctx.path, node, _OPERATIONS)
        if found is None or (found.name != "RunSQL" and model_name_of(found) in created):
            continue
        if not _for_postgres(node):
            continue  # under `if connection.vendor == "sqlite":`
        callee = Span.between(node.children[0], node.children[-2])
        for message in _problems(found):
            fix = _concurrently(ctx, found) if found.name == "AddIndex" else None
            yield RULE.diagnostic(ctx, callee, message=message, fix=fix)


def _for_postgres(node: Any) -> bool:
    """False inside a branch of an `if` on the database vendor that is not PostgreSQL's."""
    current = node
    while current.parent is not None and current.type != "classdef":
        parent = current.parent
        if parent.type == "if_stmt":
            children = parent.children
            tests = [children[i + 1] for i, c in enumerate(children) if c in ("if", "elif")]
            if any("vendor" in code_of(t) or "engine" in code_of(t).lower() for t in tests):
                index = children.index(current)  # a suite: `if test :` or `else :` before it
                test = children[index - 2] if index >= 3 and children[index - 3] in ("if", "elif") else None
                if test is None or "postgres" not in code_of(test):
                    return False
        current = parent
    return True


def _problems(found: Operation) -> Iterator[str]:
    if found.name == "AddIndex":
        yield "`AddIndex` blocks writes to the table while the index builds; use `AddIndexConcurrently`"
    elif found.name == "RunSQL":
        sql = found.argument(0, "sql")
        if sql is not None and _CREATE_INDEX.search(string_value(sql) or ""):
            yield "`CREATE INDEX` without `CONCURRENTLY` blocks writes to the table while it builds"
    else:
        yield from _field_problems(found)


def _field_problems(found: Operation) -> Iterator[str]:
    field = found.argument(2, "field")
    if field is None or field.type not in ("atom_expr", "power"):
        return
    callee = "".join(code_of(c) for c in field.children[:-1])
    text = code_of(field.children[-1])
    if re.search(r"\b(db_index|unique)\s*=\s*True\b", text):
        yield "`AddField` with an index builds it while blocking writes to the table"
    # Django fills existing rows itself for `auto_now(_add)` and for blank string fields.
    keywords = set(re.findall(r"\b(null|default|db_default|auto_now|auto_now_add)\s*=", text))
    blank_string = re.search(r"\bblank\s*=\s*True", text) and _STRINGS.search(callee)
    if _COLUMNS.match(callee) and not keywords and not blank_string:
        yield "`AddField` of a NOT NULL column without a default fails on a table with rows"


def _concurrently(ctx: FileContext, found: Operation) -> Fix | None:
    cls = migration_class(ctx.tree)
    if cls is None or "AddIndexConcurrently" in module_names(ctx.tree) and "AddIndexConcurrently" not in \
            _imported(ctx):
        return None
    edits: list[Edit] = [Edit(Span.between(found.node.children[0], found.node.children[-2]),
                              "AddIndexConcurrently")]
    if "AddIndexConcurrently" not in _imported(ctx):
        edits.append(add_import(ctx.tree, "django.contrib.postgres.operations", "AddIndexConcurrently"))
    if "atomic = False" not in code_of(cls):
        first = [c for c in cls.children[-1].children if c.type != "newline"][0]
        edits.append(Edit(Span.point(first.start_pos[0] - 1, 0), f"{' ' * first.start_pos[1]}atomic = False\n"))
    return Fix.display_only(RULE.fix_title or "", *edits)


def _imported(ctx: FileContext) -> set[str]:
    return {name.value for node in ctx.tree.iter_imports() for name in node.get_defined_names()}
