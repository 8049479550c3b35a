"""Statements that write rows one by one (DJV114-DJV117, DJV121): saves, loops over
querysets, the names a fix may use, and the small edits those fixes share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Edit
from djvet.core.parso_utils import call_arguments, iter_nodes, list_items, string_value
from djvet.project.models import ModelInfo, model_graph
from djvet.project.querysets import Evaluator, QuerySetValue
from djvet.rules.orm._style import bound_at_module, import_edit, imported_from, quote

NUMERIC = frozenset(
    {
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "DecimalField",
        "FloatField",
        "DurationField",
    }
)


# -- statements ----------------------------------------------------------------------------
def statement_of(node: Any) -> Any:
    """The `simple_stmt` (or compound statement) holding `node` in its block."""
    while node.parent is not None and node.parent.type not in ("suite", "file_input"):
        node = node.parent
    return node


def following_statements(statement: Any) -> Iterator[Any]:
    sibling = statement.get_next_sibling()
    while sibling is not None:
        if sibling.type not in ("newline", "endmarker"):
            yield sibling
        sibling = sibling.get_next_sibling()


def block_statements(suite: Any) -> list[Any]:
    """The statements of a block (a `suite`, or the one statement after `for x in y:`)."""
    if suite.type != "suite":
        return [suite]
    return [c for c in suite.children if c.type not in ("newline", "endmarker")]


def expression_of(statement: Any) -> Any:
    """The single expression or assignment of a `simple_stmt` (`x.save()`)."""
    if statement.type == "simple_stmt" and len(statement.children) == 2:
        return statement.children[0]
    return statement


def mentions(node: Any, name: str) -> bool:
    return any(leaf.value == name for leaf in iter_nodes(node, {"name"}))


def uses_after(statement: Any, name: str) -> bool:
    """Whether `name` is read after `statement`, up to the end of its function."""
    scope = statement
    while scope.parent is not None and scope.type not in ("funcdef", "file_input"):
        scope = scope.parent
    return any(
        leaf.value == name and leaf.start_pos >= statement.end_pos
        for leaf in iter_nodes(scope, {"name"})
    )


# -- method calls on an instance ---------------------------------------------------------------
def method_call(statement: Any, owner: str, method: str) -> Any | None:
    """The argument node (or "" for none) of the statement `owner.method(...)`."""
    expression = expression_of(statement)
    if expression.type not in ("atom_expr", "power") or len(expression.children) != 3:
        return None
    head, name, call = expression.children
    if (
        head.type != "name"
        or head.value != owner
        or name.children[0] != "."
        or name.children[1].value != method
        or call.children[0] != "("
    ):
        return None
    return call.children[1] if len(call.children) == 3 else ""


def save_fields(statement: Any, owner: str) -> tuple[str, ...] | None:
    """For `owner.save(...)`: () for a plain save, the fields of `update_fields=[...]`,
    ("*",) for other arguments; None when the statement is no such save."""
    arguments = method_call(statement, owner, "save")
    if arguments is None:
        return None
    if arguments == "":
        return ()
    positional, keywords = call_arguments(arguments)
    if positional or set(keywords) != {"update_fields"}:
        return ("*",)
    items = list_items(keywords["update_fields"])
    names = [string_value(i) for i in items] if items is not None else [None]
    return tuple(names) if all(names) else ("*",)  # type: ignore[arg-type]


# -- names a fix writes ------------------------------------------------------------------------
def model_name_in_scope(ctx: FileContext, model: ModelInfo) -> str | None:
    """The name the module binds the model class to (`Book`), if any."""
    graph = model_graph(ctx.project)
    if bound_at_module(ctx.tree, model.name):
        found = graph.resolve(ctx.path, ctx.tree, model.name)
        if found is not None and found.label == model.label:
            return model.name
    return None


def manager_for(model: ModelInfo) -> str:
    """`objects` when it is a plain manager; else `_base_manager`, which `save()` uses
    (a manager whose `get_queryset()` filters could miss the row)."""
    manager = model.managers.get("objects")
    if not model.managers or (
        manager is not None and manager.known and "get_queryset" not in manager.methods
    ):
        return "objects"
    return "_base_manager"


def f_expression(ctx: FileContext, field: str) -> tuple[str | None, Edit | None]:
    """`F("field")` (adding the import when needed), or `models.F("field")`."""
    mark = quote(ctx.text)
    if imported_from(ctx.tree, "F") in ("django.db.models",):
        return f"F({mark}{field}{mark})", None
    if imported_from(ctx.tree, "models") == "django.db":
        return f"models.F({mark}{field}{mark})", None
    if bound_at_module(ctx.tree, "F"):
        return None, None  # some other `F`
    return f"F({mark}{field}{mark})", import_edit(ctx.tree, "django.db.models", "F")


# -- loops over querysets ------------------------------------------------------------------------
@dataclass(frozen=True)
class RowLoop:
    node: Any  # the for_stmt
    variable: str  # "" for a tuple target (`for a, b in pairs`)
    iterable: Any
    queryset: QuerySetValue | None  # None: not a queryset (a list, a generator...)
    body: list[Any]


def for_loops(
    ctx: FileContext, evaluator: Evaluator | None = None
) -> Iterator[RowLoop]:
    """Every `for ... in ...:` loop, with the queryset it iterates when known."""
    evaluator = evaluator or Evaluator(ctx.project, ctx.path, ctx.tree)
    for node in iter_nodes(ctx.tree, {"for_stmt"}):
        target, iterable = node.children[1], node.children[3]
        variable = target.value if target.type == "name" else ""
        value = evaluator.value(iterable) if variable else None
        # An uncertain value may be no queryset (a custom method returning a list), unless
        # it is a parameter annotated as one (`qs: QuerySet[Profile]` of an admin action).
        certain = isinstance(value, QuerySetValue) and (
            not value.uncertain or _annotated_queryset(iterable)
        )
        queryset = value if certain else None
        yield RowLoop(
            node, variable, iterable, queryset, block_statements(node.children[5])
        )


def _annotated_queryset(node: Any) -> bool:
    """A name bound to a parameter annotated `QuerySet[...]` of the enclosing function."""
    if node.type != "name":
        return False
    function = node.parent
    while function is not None and function.type != "funcdef":
        function = function.parent
    if function is None:
        return False
    for param in function.get_params():
        if param.name.value == node.value and param.annotation is not None:
            return "QuerySet[" in param.annotation.get_code()
    return False
