"""Is a queryset's result cache read by anything else? (DJV113, DJV119, DJV120)

`len(qs)`, `if qs:` and `[b.title for b in qs]` load every row and keep them in
`qs`'s result cache. Replacing them with `count()`, `exists()` or `values_list()` saves
the rows only when nothing else reads that cache: an inline chain
(`len(Book.objects.filter(...))`), or a local variable whose other uses all build new
querysets (`qs.filter(...)`, `qs.count()` before any evaluation...) and that is not
read again in a loop around the operand. Anything else keeps the code as it is — the
Django docs recommend `len()` / `if qs:` when the rows are used anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parso.tree import search_ancestor

from djvet.core.parso_utils import iter_nodes, uses_in
from djvet.project.qsfix import loaded
from djvet.project.querysets import Evaluator, Instance, Loop, QuerySetValue

# Methods that build another query and never read the caller's result cache.
DERIVING = frozenset(
    {
        "filter",
        "exclude",
        "order_by",
        "annotate",
        "alias",
        "values",
        "values_list",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "distinct",
        "using",
        "none",
        "all",
        "reverse",
        "union",
        "intersection",
        "difference",
        "select_for_update",
        "extra",
        "update",
        "delete",
        "get",
        "aggregate",
        "in_bulk",
        "iterator",
        "explain",
        "create",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "latest",
        "earliest",
        "dates",
        "datetimes",
        "complex_filter",
        "raw",
        "aupdate",
        "adelete",
        "aget",
        "aaggregate",
        "acreate",
    }
)
_SCOPES = ("funcdef", "lambdef", "classdef", "file_input")
_COMPREHENSIONS = ("sync_comp_for", "comp_for")


@dataclass(frozen=True)
class Operand:
    node: Any  # the expression as written (`qs`, `Book.objects.filter(x=1)`)
    queryset: QuerySetValue


def bind_loops(evaluator: Evaluator, tree: Any) -> Evaluator:
    """Bind `for x in <queryset>` targets to instances, so `x.books.all()` is known to be
    a relation of a loop (and whether the loop prefetched it)."""
    for node in iter_nodes(tree, {"for_stmt", "sync_comp_for"}):
        target, iterable = node.children[1], node.children[3]
        if target.type != "name":
            continue
        value = evaluator.value(iterable)
        if isinstance(value, QuerySetValue) and not value.uncertain:
            loop = Loop(node, value, target.value)
            evaluator.bindings[id(target)] = Instance(value.model, loop=loop)
    return evaluator


def fresh_queryset(evaluator: Evaluator, node: Any) -> Operand | None:
    """The queryset `node` evaluates to, if its rows are read nowhere else."""
    # The syntactic conditions first: evaluating costs more.
    if node.type == "name":
        if not _private_variable(node):
            return None
    elif node.type not in ("atom_expr", "power") or not _builds_a_query(
        evaluator, node
    ):
        return None
    value = _plain_queryset(evaluator.value(node), evaluator.graph)
    if value is None:
        return None
    if node.type == "name" and not all(
        _plain_queryset(
            evaluator.value(d.get_definition().children[2]), evaluator.graph
        )
        for d in _definitions(node)
    ):
        return None  # `qs = X.objects.none()` in one branch, a dict in another
    return Operand(node, value)


def _plain_queryset(value: Any, graph: Any = None) -> QuerySetValue | None:
    """A queryset known to be one: not a list, raw, union, nor the unknown result of a
    custom method (`get_for_models()` returns a dict). A relation (`author.books.all()`)
    counts only when it was not prefetched: its rows would be in the prefetch cache."""
    if (
        not isinstance(value, QuerySetValue)
        or value.evaluated
        or value.raw
        or value.has_union
        or value.uncertain
    ):
        return None
    if value.related_from is not None and (graph is None or _prefetched(graph, value)):
        return None
    return value


def _prefetched(graph: Any, value: QuerySetValue) -> bool:
    """Whether the relation's rows may come from a prefetch (True when unknown)."""
    owner = value.related_from
    loaded_by = owner.loop.queryset if owner.loop is not None else owner.source
    if loaded_by is None or value.relation is None:
        return True
    return loaded(graph, loaded_by, (*owner.path, value.relation))


def _definitions(leaf: Any) -> list[Any]:
    scope = search_ancestor(leaf, *_SCOPES)
    return [
        n
        for n in _uses_in(leaf, scope)
        if n.is_definition() and search_ancestor(n, *_SCOPES) is scope
    ]


def _uses_in(leaf: Any, scope: Any | None) -> list[Any]:
    if scope is None:
        return leaf.get_root_node().get_used_names().get(leaf.value, [])
    return uses_in(scope, leaf.value)


def _builds_a_query(evaluator: Evaluator, chain: Any) -> bool:
    """A chain ending in a call builds a new queryset (`Book.objects.filter(...)`,
    `qs.order_by(...)`, `helper()`); `self.object_list` may be iterated by a template
    after this code, and `qs[:10]` of an evaluated `qs` is a list of its cached rows."""
    last = chain.children[-1]
    if last.type != "trailer" or last.children[0] != "(":
        return False
    return chain.children[0].type == "name"


def _private_variable(leaf: Any) -> bool:
    """A function's local variable, bound only by `name = ...`, whose other uses
    only derive new querysets, and not read again by a loop around `leaf`."""
    scope = search_ancestor(leaf, *_SCOPES)
    if scope is None or scope.type != "funcdef":
        return False
    names = [n for n in _uses_in(leaf, scope) if search_ancestor(n, *_SCOPES) is scope]
    definitions = [n for n in names if n.is_definition()]
    if not definitions or any(not _plain_assignment(n) for n in definitions):
        return False
    for name in names:
        if name is leaf or name.is_definition():
            continue
        if not _derives(name):
            return False
    return not _in_loop_without(leaf, definitions, scope)


def evaluated_before(leaf: Any) -> bool:
    """Whether the variable `leaf` names is read for its rows (`if not qs:`, `len(qs)`)
    earlier in its function: those rows are cached, iterating reuses them."""
    scope = search_ancestor(leaf, *_SCOPES)
    for name in leaf.get_root_node().get_used_names().get(leaf.value, []):
        if (
            name.start_pos >= leaf.start_pos
            or name.is_definition()
            or search_ancestor(name, *_SCOPES) is not scope
        ):
            continue
        if not _derives(name):
            return True
    return False


def _plain_assignment(name: Any) -> bool:
    statement = name.get_definition()
    return (
        statement is not None
        and statement.type == "expr_stmt"
        and statement.children[0] is name
        and len(statement.children) == 3
        and statement.children[1] == "="
    )


def _derives(name: Any) -> bool:
    """`qs.filter(...)`: a use that builds another query without reading `qs`'s rows."""
    trailer = name.get_next_sibling()
    if trailer is None or trailer.type != "trailer" or trailer.children[0] != ".":
        return False
    following = trailer.get_next_sibling()
    if following is None or following.type != "trailer" or following.children[0] != "(":
        return trailer.children[1].value in ("model", "query", "db", "ordered")
    return trailer.children[1].value in DERIVING


def _in_loop_without(leaf: Any, definitions: list[Any], scope: Any) -> bool:
    """The operand repeats in a loop that does not rebuild the queryset: after the first
    pass its rows are cached."""
    node = leaf.parent
    while node is not None and node is not scope:
        iterable = _loop_iterable(node)
        if (
            iterable is not False
            and not (iterable is not None and _inside(leaf, iterable))
            and not any(_inside(d, node) for d in definitions)
        ):
            return True
        node = node.parent
    return False


def _loop_iterable(node: Any) -> Any:
    """The iterable of a loop (evaluated once, unlike the body), None for `while`;
    False when `node` is no loop."""
    if node.type == "for_stmt":
        return node.children[3]
    if node.type == "while_stmt":
        return None
    for child in getattr(node, "children", ()):
        if getattr(child, "type", "") in _COMPREHENSIONS:
            first = child.children[1] if child.type == "comp_for" else child
            return first.children[3]
    return False


def _inside(leaf: Any, node: Any) -> bool:
    return node.start_pos <= leaf.start_pos and leaf.end_pos <= node.end_pos


# -- existence tests (DJV120) and counts (DJV119) -------------------------------------------
@dataclass(frozen=True)
class ExistenceTest:
    node: Any  # what the fix replaces
    operand: Any  # the queryset expression
    kind: str  # "truth" (`if qs:`), "len" (`len(qs) > 0`), "count" (`qs.count() > 0`)
    negated: bool  # the test asks for no rows (`len(qs) == 0`, `qs.count() < 1`)


_SOME = {(">", 0), ("!=", 0), (">=", 1)}
_NONE = {("==", 0), ("<", 1), ("<=", 0)}
_MIRROR = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}


def boolean_context(node: Any) -> bool:
    """Whether Python only asks `node` for its truth: `not node`, `if`/`while`/`assert`
    conditions, `x if node else y`, comprehension `if`s, through `and`, `or` and
    parentheses."""
    parent = node.parent
    while parent is not None and (
        parent.type in ("not_test", "and_test", "or_test")
        or (parent.type == "atom" and parent.children[0] == "(")
    ):
        if parent.type == "not_test":
            return True
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in ("if_stmt", "while_stmt"):
        previous = node.get_previous_sibling()
        return (
            previous is not None
            and previous.type == "keyword"
            and previous.value in ("if", "elif", "while")
        )
    if parent.type == "assert_stmt":
        return parent.children[1] is node
    if parent.type == "test":
        return len(parent.children) >= 3 and parent.children[2] is node
    return parent.type == "comp_if"


def call_of(node: Any, name: str) -> Any | None:
    """The single argument of `name(arg)`, else None."""
    if node.type not in ("atom_expr", "power") or len(node.children) != 2:
        return None
    head, trailer = node.children
    if (
        head.type != "name"
        or head.value != name
        or trailer.children[0] != "("
        or len(trailer.children) != 3
    ):
        return None
    argument = trailer.children[1]
    return None if argument.type in ("arglist", "argument") else argument


def count_receiver(node: Any) -> Any | None:
    """`X` of `X.count()`, as a node list's code, else None."""
    if node.type not in ("atom_expr", "power") or len(node.children) < 3:
        return None
    method, call = node.children[-2], node.children[-1]
    if (
        method.type != "trailer"
        or method.children[0] != "."
        or method.children[1].value != "count"
    ):
        return None
    return (
        node
        if call.type == "trailer"
        and call.children == [call.children[0], call.children[-1]]
        and call.children[0] == "("
        else None
    )


def existence_test(node: Any) -> ExistenceTest | None:
    if node.type == "comparison" and len(node.children) == 3:
        return _comparison(node)
    if node.type in ("atom_expr", "power"):
        inner = call_of(node, "bool")
        if inner is not None:
            return ExistenceTest(node, inner, "truth", False)
    if not boolean_context(node):
        return None
    inner = call_of(node, "len")
    if inner is not None:
        return ExistenceTest(node, inner, "len", False)
    if count_receiver(node) is not None:
        return ExistenceTest(node, node, "count", False)
    if node.type in ("name", "atom_expr", "power"):
        return ExistenceTest(node, node, "truth", False)
    return None


def _comparison(node: Any) -> ExistenceTest | None:
    left, operator, right = node.children
    op = operator.value if operator.type == "operator" else operator.get_code().strip()
    if _number(left) is not None:  # `0 < len(qs)`
        left, right, op = right, left, _MIRROR.get(op, op)
    value = _number(right)
    if value is None:
        return None
    kind = (
        "len"
        if call_of(left, "len") is not None
        else "count"
        if count_receiver(left) is not None
        else None
    )
    if kind is None or ((op, value) not in _SOME and (op, value) not in _NONE):
        return None
    operand = call_of(left, "len") if kind == "len" else left
    return ExistenceTest(node, operand, kind, (op, value) in _NONE)


def _number(node: Any) -> int | None:
    if node.type == "number" and node.value in ("0", "1"):
        return int(node.value)
    return None
