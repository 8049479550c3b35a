"""Queries keyed by a loop variable (DJV108).

A query is "keyed" when the arguments of the calls building it use a name the loop
binds: its target, or a variable assigned in the loop body from an expression using
one (`book = carts[i]` then `Book.objects.get(pk=book.id)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from djvet.core.parso_utils import call_arguments, code_of, iter_nodes, list_items
from djvet.project.models import ModelGraph
from djvet.project.querysets import Evaluator, ModelClass, QuerySetValue

EVALUATING = {
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "exists",
    "count",
    "aggregate",
    "in_bulk",
    "contains",
}
SCOPES = ("funcdef", "lambdef", "classdef")


@dataclass
class Query:
    node: Any  # the query expression, where the finding goes
    head: str  # `Profile.objects.filter().first`
    method: str | None  # the evaluating method; None for an iterated queryset
    model: str
    keywords: dict[str, Any]  # keyword arguments of the calls building the query
    loop_variable: str | None
    loop_model: str | None  # the model of the loop's rows, when it iterates a queryset

    @property
    def by_key(self) -> bool:
        return any(
            k in ("pk", "id") or k.endswith(("_id", "__in")) for k in self.keywords
        )

    def relation_advice(self, graph: ModelGraph) -> str | None:
        """`Profile.objects.filter(user=u)` → `u.profile`; `get(pk=b.author_id)` → `b.author`."""
        var, owner = (
            self.loop_variable,
            graph.get(self.loop_model) if self.loop_model else None,
        )
        if var is None or owner is None:
            return None
        for keyword, value in self.keywords.items():
            text = code_of(value)
            if text == var:
                relation = graph.field(self.model, keyword)
                if (
                    relation is None
                    or relation.kind not in ("fk", "o2o")
                    or relation.target != owner.label
                ):
                    continue
                for reverse in owner.fields.values():
                    if (
                        reverse.remote_field == keyword
                        and reverse.target == self.model
                        and reverse.reverse
                    ):
                        if self.method == "count" and reverse.kind != "reverse_o2o":
                            return f'annotate the loop\'s queryset with `Count("{reverse.name}")`'
                        call = (
                            "select_related"
                            if reverse.kind == "reverse_o2o"
                            else "prefetch_related"
                        )
                        return f'read `{var}.{reverse.name}` with `{call}("{reverse.name}")`'
            if keyword in ("pk", "id") and text.startswith(var + "."):
                attribute = text[len(var) + 1 :].removesuffix(".pk").removesuffix(".id")
                for field in owner.fields.values():
                    if (
                        field.kind in ("fk", "o2o")
                        and attribute in (field.attname, field.name)
                        and field.target == self.model
                    ):
                        return f'read `{var}.{field.name}` with `select_related("{field.name}")`'
        return None


def keyed_queries(evaluator: Evaluator, tree: Any) -> list[Query]:
    """Each keyed query once, attributed to the innermost loop it is keyed by."""
    found: dict[int, Query] = {}
    for loop in _loops(tree):
        if _bounded(loop.children[3]):
            continue
        names = _loop_names(loop)
        loop_model = _rows_model(evaluator, loop.children[3])
        variable = loop.children[1].value if loop.children[1].type == "name" else None
        for node, method in _queries(loop):
            query = _query(evaluator, node, method, names, variable, loop_model)
            if query is not None:
                found[id(node)] = query  # loops come outermost first: inner loops win
    return sorted(found.values(), key=lambda q: q.node.start_pos)


def _loops(tree: Any) -> list[Any]:
    return list(iter_nodes(tree, {"for_stmt", "sync_comp_for"}))  # document order


def _body(loop: Any) -> list[Any]:
    if loop.type == "for_stmt":
        return [loop.children[5]]
    parent = loop.parent.parent if loop.parent.type == "comp_for" else loop.parent
    return [
        c for c in parent.children if c is not loop and c is not loop.parent
    ] + loop.children[4:]


def _bounded(iterable: Any) -> bool:
    """A literal collection, a constant (`for name in CONNECTORS`) or `range(<number>)`:
    a fixed, small number of iterations."""
    if list_items(iterable) is not None or (
        iterable.type == "atom" and iterable.children[0] == "{"
    ):
        return True
    if iterable.type == "name" and iterable.value.isupper():
        return True
    text = code_of(iterable)
    if text.startswith("range(") and iterable.type in ("atom_expr", "power"):
        positional, _ = call_arguments(
            iterable.children[1].children[1]
            if len(iterable.children[1].children) == 3
            else None
        )
        return bool(positional) and all(p.type == "number" for p in positional)
    return False


def _loop_names(loop: Any) -> set[str]:
    names = {leaf.value for leaf in _leaves(loop.children[1])}
    if loop.type != "for_stmt":
        return names
    assignments = [
        n
        for n in _walk(loop.children[5])
        if n.type == "expr_stmt" and len(n.children) >= 3 and n.children[-2] == "="
    ]
    for _ in range(3):  # names computed from names computed from the loop variable
        for statement in assignments:
            if _mentions(statement.children[-1], names):
                names |= {leaf.value for leaf in _leaves(statement.children[0])}
    return names


def _rows_model(evaluator: Evaluator, iterable: Any) -> str | None:
    value = evaluator.value(iterable)
    return (
        value.model if isinstance(value, QuerySetValue) and not value.values else None
    )


def _queries(loop: Any) -> list[tuple[Any, str | None]]:
    """(expression, evaluating method) candidates in the loop body."""
    found = []
    for root in _body(loop):
        if root.type in SCOPES:
            continue  # `[lambda: ... for row in rows]`: not run in the loop
        for node in _walk(root):
            if node.type in ("for_stmt", "sync_comp_for"):
                iterable = node.children[3]
                if iterable.type in ("atom_expr", "power"):
                    found.append((iterable, None))
            if node.type in ("atom_expr", "power") and len(node.children) >= 3:
                last, method = node.children[-1], node.children[-2]
                if (
                    last.type == "trailer"
                    and last.children[0] == "("
                    and method.type == "trailer"
                    and method.children[0] == "."
                    and method.children[1].value in EVALUATING
                ):
                    found.append((node, method.children[1].value))
    return found


def _query(
    evaluator: Evaluator,
    node: Any,
    method: str | None,
    names: set[str],
    variable: str | None,
    loop_model: str | None,
) -> Query | None:
    trailers = node.children[1:]
    queryset = evaluator.prefix_value(
        node, len(trailers) - 2 if method else len(trailers)
    )
    if (
        not isinstance(queryset, QuerySetValue)
        or queryset.related_from is not None
        or queryset.origin is None
        or queryset.evaluated
        or queryset.raw
    ):
        return None
    built = queryset.origin.chain
    if not isinstance(evaluator.value(built.children[0]), ModelClass):
        return None  # a queryset from a helper or a relation: not a query of a model's manager
    if "select_for_update" in code_of(node) or "select_for_update" in code_of(built):
        return None  # a row lock taken per item on purpose
    calls = [
        c
        for c in (
            *node.children[1:],
            *(built.children[1:] if built is not node else ()),
        )
        if c.type == "trailer" and c.children[0] == "("
    ]
    if not any(_mentions(c, names) for c in calls):
        return None
    keywords: dict[str, Any] = {}
    for call in calls:
        keywords.update(
            call_arguments(call.children[1] if len(call.children) == 3 else None)[1]
        )
    head = "".join(
        code_of(c) if c.type != "trailer" or c.children[0] == "." else "()"
        for c in node.children[: len(node.children) - (2 if method else 0)]
    )
    return Query(node, head, method, queryset.model, keywords, variable, loop_model)


def _mentions(node: Any, names: set[str]) -> bool:
    """A name of `names` is read in `node` (not a keyword or an attribute name)."""
    for leaf in _walk(node):
        if leaf.type != "name" or leaf.value not in names:
            continue
        parent = leaf.parent
        if parent.type == "trailer" or (
            parent.type == "argument"
            and parent.children[0] is leaf
            and len(parent.children) > 1
            and parent.children[1] == "="
        ):
            continue
        return True
    return False


def _leaves(node: Any) -> list[Any]:
    return [n for n in _walk(node) if n.type == "name"]


def _walk(node: Any):
    """Nodes below `node`, not entering functions, lambdas or classes defined there."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and current.type in SCOPES:
            continue
        stack.extend(reversed(getattr(current, "children", ())))
