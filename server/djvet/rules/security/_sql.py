"""SQL that reaches Django's raw-SQL entry points, and what its interpolated parts are.

A *sink* is `Manager.raw()`, `RawSQL()`, `QuerySet.extra()` or a cursor's `execute()` /
`executemany()`. Its SQL argument, when built at run time (`_code.Built`, inline or in a
variable first), is split into holes, and each hole gets a *position* in the SQL text:

- `quoted`: the whole of a `'...'` literal (`name = '{name}'`); `quoted-part`: inside one
  (`LIKE '%{q}%'`); `value`: after `=`, `<`, `LIKE`, `LIMIT`, `BETWEEN`, in `VALUES (...)`
  or `IN (a, b)`; `list`: alone in `IN (...)`, so many values;
- `identifier`: anything else — table and column names, `ORDER BY` directions, whole
  clauses. Those cannot be parameters.

A hole is *trusted* when it cannot carry text from outside: constants, numbers (`%d`,
`int()`, `len()`), identifiers from the code (`_meta.db_table`, `quote_name()`, a field's
`column`), runs of placeholders (`", ".join(["%s"] * n)`), SQL the ORM compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from djvet.core.parso_utils import call_arguments, code_of
from djvet.rules.security._code import is_constant, is_request_data
from djvet.rules.security._scopes import Binding, bindings, is_starred, reaching
from djvet.rules.security._strings import Built, Hole, built_string, placeholder_list

SQL_START = re.compile(
    r"^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|TRUNCATE|REPLACE|MERGE"
    r"|CALL|EXEC|EXECUTE|SET|SHOW|PRAGMA|VACUUM|ANALYZE|GRANT|REVOKE|LOCK|COPY|EXPLAIN"
    r"|DECLARE|REFRESH)\b",
    re.I,
)
_VALUE_BEFORE = re.compile(
    r"(=|<>|!=|<|>|\b(LIKE|ILIKE|LIMIT|OFFSET|THEN|ELSE|INTERVAL|BETWEEN)"
    r"|\bBETWEEN\s+\S+\s+AND)\s*$",
    re.I,
)
_LIST_OPENER = re.compile(r"\b(IN|VALUES)\s*$", re.I)
# Variable names that hold identifiers, not values (`order_column`, `table`, `alias`).
_IDENTIFIER_NAME = re.compile(
    r"(^|_)(col|column|columns|table|tables|field|fields|alias"
    r"|tbl|schema|order|ordering|direction|sort|op|operator)$",
    re.I,
)
_TRUSTED_CALLS = frozenset(
    {
        "int",
        "float",
        "len",
        "round",
        "abs",
        "bool",
        "quote_name",
        "qn",
        "quote_name_unless_alias",
        "as_sql",
        "sql_with_params",
        "compile",
        "get_placeholder",
        "db_type",
        "count",
        "sql_flush",
    }
)
_TRUSTED_ATTRS = frozenset(
    {
        "db_table",
        "column",
        "db_column",
        "attname",
        "model_name",
        "app_label",
        "db_tablespace",
        "pk",
        "id",
        "alias",
        "table_name",
        "vendor",
        "db_returning_fields",
    }
)
_NUMBER_CONVERSIONS = frozenset("diouxXeEfFgG")
VALUE_POSITIONS = frozenset({"quoted", "quoted-part", "value", "list"})


@dataclass
class Sink:
    kind: str  # raw, rawsql, execute, executemany, extra
    label: str  # how messages name it
    node: Any  # the atom_expr holding the call
    call: Any  # the call trailer
    # (expression, slot): slot is sql, where, select, tables, order_by
    sql: list[tuple[Any, str]]
    params: dict[str, Any] = field(default_factory=dict)  # slot -> params argument node
    django: bool = True  # `%s` placeholders (Django's cursor wrapper or a Django API)
    starred: bool = False  # `*args` / `**kwargs`: arguments cannot be told apart


def sinks(node: Any) -> Iterator[Sink]:
    """The raw-SQL calls along an `atom_expr` chain."""
    children = node.children
    for index in range(1, len(children)):
        trailer = children[index]
        if trailer.type != "trailer" or trailer.children[0] != "(":
            continue
        name = _name_before(children, index)
        if name is None:
            continue
        receiver = children[: index - 1]
        sink = _sink(node, name, receiver, trailer, index)
        if sink is not None:
            yield sink


def _name_before(children: list[Any], index: int) -> str | None:
    previous = children[index - 1]
    if previous.type == "name" and index == 1:
        return previous.value
    if (
        previous.type == "trailer"
        and previous.children[0] == "."
        and len(previous.children) == 2
    ):
        return previous.children[1].value
    return None


def _sink(
    node: Any, name: str, receiver: list[Any], trailer: Any, index: int
) -> Sink | None:
    args = trailer.children[1] if len(trailer.children) == 3 else None
    positional, keywords = call_arguments(args)
    starred = any(is_starred(p) for p in positional)
    first = positional[0] if positional and not starred else None
    second = positional[1] if len(positional) > 1 and not starred else None
    if name == "RawSQL" and (index == 1 or code_of(receiver[-1]) == ".RawSQL"):
        sql = first or keywords.get("sql")
        params = {"sql": second or keywords.get("params")}
        return Sink(
            "rawsql",
            "RawSQL()",
            node,
            trailer,
            [(sql, "sql")] if sql else [],
            params,
            starred=starred,
        )
    if not receiver:
        return None
    if name == "raw":
        sql = first or keywords.get("raw_query")
        return Sink(
            "raw",
            f"{_short(receiver)}.raw()",
            node,
            trailer,
            [(sql, "sql")] if sql else [],
            {"sql": second or keywords.get("params")},
            starred=starred,
        )
    if name in ("execute", "executemany"):
        sql = first or keywords.get("sql") or keywords.get("query")
        return Sink(
            name,
            f"{_short(receiver)}.{name}()",
            node,
            trailer,
            [(sql, "sql")] if sql else [],
            {"sql": second or keywords.get("params")},
            django=_django_cursor(receiver),
            starred=starred,
        )
    if name == "extra":
        return _extra(node, receiver, trailer, positional, keywords, starred)
    return None


def _short(receiver: list[Any]) -> str:
    text = "".join(code_of(n) for n in receiver)
    return text if len(text) <= 30 else "…" + text[-29:]


def _extra(
    node: Any,
    receiver: list[Any],
    trailer: Any,
    positional: list[Any],
    keywords: dict[str, Any],
    starred: bool,
) -> Sink:
    names = ("select", "where", "params", "tables", "order_by", "select_params")
    given = dict(zip(names, positional, strict=False)) | keywords
    sql: list[tuple[Any, str]] = []
    select = given.get("select")
    if (
        select is not None
        and select.type == "atom"
        and select.children[0] == "{"
        and len(select.children) == 3
    ):
        items = (
            [c for c in select.children[1].children if c != ","]
            if select.children[1].type == "dictorsetmaker"
            else []
        )
        sql += [(value, "select") for value in items[2::3]]
    for slot in ("where", "tables", "order_by"):
        value = given.get(slot)
        if (
            value is not None
            and value.type == "atom"
            and value.children[0] in ("[", "(")
            and len(value.children) == 3
        ):
            inner = value.children[1]
            items = (
                [c for c in inner.children if c != ","]
                if inner.type == "testlist_comp"
                else [inner]
            )
            sql += [(item, slot) for item in items]
        elif value is not None:
            sql.append((value, slot))
    params = {"where": given.get("params"), "select": given.get("select_params")}
    return Sink(
        "extra",
        f"{_short(receiver)}.extra()",
        node,
        trailer,
        sql,
        params,
        starred=starred,
    )


def _django_cursor(receiver: list[Any]) -> bool:
    """`connection.cursor()`, `connections["x"].cursor()`, or a name bound from one."""
    text = "".join(code_of(n) for n in receiver)
    if text.endswith(".cursor()"):
        return bool(
            re.search(
                r"(^|\.)(connection|connections\[[^]]*\]|get_connection\([^)]*\))\.cursor\(\)$",
                text,
            )
        )
    if len(receiver) == 1 and receiver[0].type == "name":
        for binding in bindings(receiver[0]):
            source = _cursor_source(binding)
            if source is not None:
                return _django_cursor(
                    source.children
                    if source.type in ("atom_expr", "power")
                    else [source]
                )
    return False


def _cursor_source(binding: Binding) -> Any | None:
    if binding.kind == "with" and binding.name.parent.type == "with_item":
        return binding.name.parent.children[0]
    if binding.kind == "assign":
        return binding.value
    return None


def is_cursor(receiver: list[Any]) -> bool:
    """Whether the receiver of `.execute()` is some DB-API cursor (a `.cursor()` result)."""
    text = "".join(code_of(n) for n in receiver)
    if text.endswith(".cursor()"):
        return True
    if len(receiver) == 1 and receiver[0].type == "name":
        return any(
            (source := _cursor_source(b)) is not None
            and code_of(source).endswith(".cursor()")
            for b in bindings(receiver[0])
        )
    return False


# -- holes -----------------------------------------------------------------------------------
@dataclass
class Slot:
    hole: Hole
    index: int  # in `built.parts`
    position: str
    trusted: bool
    tainted: bool

    @property
    def bad(self) -> bool:
        if self.trusted:
            return False
        return self.position in VALUE_POSITIONS or self.tainted


def slots(
    built: Built, depth: int = 0, active: frozenset[Any] = frozenset()
) -> list[Slot]:
    text = built.text()
    found, at = [], 0
    for index, part in enumerate(built.parts):
        if isinstance(part, Hole):
            position = _position(text[:at], text[at + 1 :], part)
            trusted = part.expr is not None and (
                part.conversion in _NUMBER_CONVERSIONS
                or part.spec.endswith(("d", "f"))
                or trusted_sql(part.expr, depth + 1, active)
            )
            tainted = part.expr is not None and is_request_data(part.expr)
            found.append(
                Slot(
                    part,
                    index,
                    "list" if part.many and position == "value" else position,
                    trusted,
                    tainted,
                )
            )
            at += 1
        else:
            at += len(part.value)
    return found


def _position(before: str, after: str, hole: Hole) -> str:
    quote = _open_quote(before)
    if quote == "'":
        return (
            "quoted"
            if before.endswith("'") and after.startswith("'")
            else "quoted-part"
        )
    if quote is not None:
        return "identifier"  # "name" and `name` quote identifiers
    tail, head = before.rstrip(), after.lstrip()
    if tail.endswith(".") or head.startswith((".", "(")):
        return "identifier"
    if (
        hole.expr is not None
        and hole.expr.type == "name"
        and _IDENTIFIER_NAME.search(hole.expr.value)
    ):
        return "identifier"
    if re.search(r"\bIN\s*\(\s*$", tail, re.I) and head.startswith(")"):
        return "list"
    if _VALUE_BEFORE.search(tail):
        return "value"
    if tail.endswith(("(", ",")) and _in_value_list(tail):
        return "value"
    return "identifier"


def _open_quote(text: str) -> str | None:
    state = None
    for char in text:
        if state is None and char in "'\"`":
            state = char
        elif char == state:
            state = None
    return state


def _in_value_list(tail: str) -> bool:
    depth = 0
    for position in range(len(tail) - 1, -1, -1):
        char = tail[position]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                return bool(_LIST_OPENER.search(tail[:position]))
            depth -= 1
    return False


def trusted_sql(
    expr: Any, depth: int = 0, active: frozenset[Any] = frozenset()
) -> bool:
    """Expressions that cannot carry text from outside the code into SQL. A variable is
    trusted when every value it is bound to is; while those are read, the variable
    itself counts as trusted (`v = quote_name(c)`, then `v = "TO_CHAR(%s)" % v`)."""
    if depth > 8:
        return False
    if is_constant(expr) or placeholder_list(expr):
        return True
    if expr.type == "name":
        found = reaching(expr)
        key = (id(found[0].statement), expr.value) if found else None
        if key in active:
            return True
        return bool(found) and all(
            _trusted_binding(b, depth, active | {key}) for b in found
        )
    if (
        expr.type in ("atom_expr", "power")
        and expr.children[0].type == "name"
        and all(t.type == "trailer" and t.children[0] == "[" for t in expr.children[1:])
    ):
        # `compiled[0]` of a trusted tuple
        return trusted_sql(expr.children[0], depth + 1, active)
    if expr.type in ("atom_expr", "power"):
        names = [
            c.children[1].value
            for c in expr.children[1:]
            if c.type == "trailer" and c.children[0] == "." and len(c.children) == 2
        ]
        head = expr.children[0]
        called = (
            names[-1]
            if names and expr.children[-1].children[0] == "("
            else (
                head.value if head.type == "name" and len(expr.children) == 2 else None
            )
        )
        if (
            called in _TRUSTED_CALLS
            or (names and names[-1] in _TRUSTED_ATTRS)
            or "_meta" in names
            or "ops" in names
        ):
            return True
        if head.type == "name" and head.value == "str" and len(expr.children) == 2:
            inner = call_arguments(
                expr.children[1].children[1]
                if len(expr.children[1].children) == 3
                else None
            )[0]
            return len(inner) == 1 and trusted_sql(inner[0], depth + 1, active)
    if expr.type == "atom" and expr.children[0] == "(" and len(expr.children) == 3:
        return trusted_sql(expr.children[1], depth + 1, active)
    if expr.type == "test" and len(expr.children) == 5 and expr.children[1] == "if":
        return trusted_sql(expr.children[0], depth + 1, active) and trusted_sql(
            expr.children[4], depth + 1, active
        )
    if expr.type in ("or_test", "and_test"):
        return all(trusted_sql(c, depth + 1, active) for c in expr.children[0::2])
    built = built_string(expr)
    # A string built from trusted parts only (a value or a clause made of constants).
    return built is not None and all(s.trusted for s in slots(built, depth + 1, active))


def _trusted_binding(binding: Binding, depth: int, active: frozenset[Any]) -> bool:
    if binding.value is None:
        return False
    if binding.kind in ("assign", "augassign", "unpack"):
        # `sql, params = queryset.query.sql_with_params()`: SQL the ORM compiled.
        return trusted_sql(binding.value, depth + 1, active)
    if binding.kind == "for":
        return is_constant(binding.value) or trusted_sql(
            binding.value, depth + 1, active
        )
    return False


def looks_like_sql(built: Built) -> bool:
    return bool(SQL_START.match(built.text(" ")))
