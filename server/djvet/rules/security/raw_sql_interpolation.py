"""
## What it does
Flags SQL built at run time — with an f-string, `%`, `.format()`, `+` or `"".join()`,
inline or in a variable first — that reaches `Manager.raw()`, `RawSQL()`,
`QuerySet.extra()` or a cursor's `execute()` / `executemany()`, when a value that is not a
constant goes into it: a value compared, inserted or limited (`name = '{name}'`,
`LIMIT {n}`), or request data anywhere. Constants, numbers (`%d`, `int()`), identifiers
from the code (`_meta.db_table`, `quote_name()`, `field.column`), runs of placeholders
(`", ".join(["%s"] * len(ids))`) and SQL the ORM compiled are not flagged.

## Why is this bad?
The database cannot tell the value from the statement: a name like `x' OR '1'='1`
rewrites the query — SQL injection. Even trusted values break on a quote. Query
parameters are sent apart from the SQL and never parsed as SQL.

## Example
```python
from django.db import connection


def titles_by(author):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title FROM library_book WHERE author_name = '{author}'")
        return cursor.fetchall()
```

## Use instead
```python
from django.db import connection


def titles_by(author):
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM library_book WHERE author_name = %s", [author])
        return cursor.fetchall()
```

## Fix safety
Unsafe. When every interpolated part is a value, the fix writes `%s` placeholders and
passes the values as parameters (a quoted value loses its quotes; a literal `%` becomes
`%%` once the query takes parameters). The database then receives each value with its
Python type: an `int` compares as a number, `None` becomes `NULL`, a `date` is sent in the
driver's format rather than as `str()` made it — and input with quotes no longer changes
the query. When a part is an identifier or clause (a table or column name, `ORDER BY`
direction, a `WHERE` fragment) or a list for `IN (...)`, there is no edit: the message
says why; check identifiers against an allow-list.

## Compared with other checkers
- ruff S608 flags any SQL-looking string built with variables, wherever it is; djvet
  flags SQL reaching a Django sink (`sink-only`) — but also `+=` fragments and clauses
  without a leading SQL keyword that S608 misses — and not when every part is a
  constant, a number or an identifier from the code (`trusted-parts`).
- ruff S611 flags `RawSQL()` whose SQL is not a literal; djvet only RawSQL with
  interpolated values (`trusted-parts`).
- ruff S610 flags `extra()` with non-literal arguments; djvet flags interpolated SQL in
  `extra()` here, and every `extra()` in DJV221.
- Semgrep's `sql-injection-*` rules follow request data into `raw()`, `RawSQL`, `extra()`
  and `cursor.execute()`; djvet flags those and values of unknown origin in value
  positions too. Its audit rule `avoid-raw-sql` flags every `raw()` / `RawSQL` not given
  an inline literal, parameterised or not (`trusted-parts`). SQL built in a variable
  is reported where it is built, not at the call (`reported-where-built`).
- A line already silenced for ruff or bandit (`# noqa: S608`, `# nosec`) is not reported again.

## References
- Django docs: Performing raw SQL queries, "Passing parameters into raw()":
  https://docs.djangoproject.com/en/stable/topics/db/sql/
- Django docs: SQL injection protection:
  https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import is_request_data, peer_suppressed
from djvet.rules.security._scopes import Binding, bindings
from djvet.rules.security._sql import Sink, is_cursor, looks_like_sql, sinks, slots
from djvet.rules.security._sqlfix import parameterize
from djvet.rules.security._strings import Built, built_string

RULE = Rule(
    code="DJV220",
    name="raw-sql-interpolation",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="SQL built with interpolated values is open to injection; pass query parameters",
    fix_title="Pass the values as query parameters",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_PEER_CODES = ("S608", "S610", "S611", "B608", "B610", "B611")
_HOW = {
    "fstring": "An f-string",
    "percent": "`%` formatting",
    "format": "`.format()`",
    "concat": "`+`",
    "join": "`join()`",
}


@RULE.on("atom_expr", "power")
def check_sql_call(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    for sink in sinks(node):
        if peer_suppressed(ctx, node, _PEER_CODES):
            continue
        for argument, slot_name in sink.sql:
            yield from _check_argument(ctx, sink, argument, slot_name)


def _check_argument(
    ctx: FileContext, sink: Sink, argument: Any, slot_name: str
) -> Iterator[Diagnostic]:
    builds = _builds(argument)
    for built, binding in builds:
        if not _is_sql(sink, built):
            continue
        found = slots(built)
        bad = [s for s in found if s.bad]
        if bad:
            yield _diagnostic(
                ctx, sink, slot_name, argument, built, binding, found, bad
            )
        for nested in _nested(built, found):
            nested_bad = [s for s in slots(nested) if s.bad]
            if nested_bad:
                message = (
                    f"{_HOW[nested.kind]} builds SQL for `{sink.label}` from "
                    f"`{code_of(nested_bad[0].hole.expr)}`; pass it as a query parameter"
                )
                yield RULE.diagnostic(
                    ctx,
                    nested.node,
                    message=message,
                    fix=Fix.display_only("Move the values into the query parameters"),
                )
    if not builds and is_request_data(argument) and _takes_sql(sink):
        yield RULE.diagnostic(
            ctx, argument, message=f"Request data is run as SQL by `{sink.label}`"
        )


def _builds(argument: Any) -> list[tuple[Built, Binding | None]]:
    """The built strings the SQL argument is: itself, or what its variable was bound to."""
    built = built_string(argument)
    if built is not None:
        return [(built, None)]
    if argument.type != "name":
        return []
    found = [
        b
        for b in bindings(argument)
        if b.name.start_pos < argument.start_pos
        and b.kind in ("assign", "augassign")
        and b.value is not None
    ]
    result = []
    for binding in found:
        value = built_string(binding.value)
        if value is not None:
            result.append(
                (
                    value,
                    binding if len(found) == 1 else replace(binding, kind="several"),
                )
            )
    return result


def _nested(built: Built, found: list[Any]) -> Iterator[Built]:
    """Strings built in a variable and spliced in as a clause (`WHERE {condition}`)."""
    for slot in found:
        expr = slot.hole.expr
        if (
            slot.position == "identifier"
            and not slot.trusted
            and expr is not None
            and expr.type == "name"
        ):
            for inner, _ in _builds(expr):
                yield inner


def _is_sql(sink: Sink, built: Built) -> bool:
    if sink.kind in ("execute", "executemany"):
        receiver = sink.node.children[: sink.node.children.index(sink.call) - 1]
        return is_cursor(receiver) or looks_like_sql(built)
    if sink.kind == "raw":
        return (
            looks_like_sql(built)
            or ".objects" in sink.label
            or "manager" in sink.label.lower()
        )
    return True


def _takes_sql(sink: Sink) -> bool:
    if sink.kind in ("execute", "executemany"):
        return is_cursor(sink.node.children[: sink.node.children.index(sink.call) - 1])
    return True


def _diagnostic(
    ctx: FileContext,
    sink: Sink,
    slot_name: str,
    argument: Any,
    built: Built,
    binding: Binding | None,
    found: list[Any],
    bad: list[Any],
) -> Diagnostic:
    worst = next((s for s in bad if s.tainted), bad[0])
    expr = worst.hole.expr
    what = f"`{code_of(expr).strip()}`" if expr is not None else "values"
    if worst.tainted:
        what = f"request data {what}"
    message = f"{_HOW[built.kind]} builds the SQL of `{sink.label}` from {what}"
    plan = parameterize(sink, slot_name, argument, built, found, binding)
    if plan.edits:
        fix = Fix.unsafe(RULE.fix_title or "", *plan.edits)
        message += "; pass it as a query parameter"
    else:
        fix = Fix.display_only(f"Not fixed automatically: {plan.reason}")
        message += f"; {plan.reason}"
    return RULE.diagnostic(ctx, built.node, message=message, fix=fix)
