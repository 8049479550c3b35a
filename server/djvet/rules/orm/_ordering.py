"""Is a queryset ordered? (DJV123) "ordered", "unordered" or "unknown".

A chain is read from its end: the last `order_by(...)` decides (`order_by()` with no
argument clears the order); steps that keep the order are skipped; the manager at its
head contributes `Meta.ordering`. Custom methods, managers whose `get_queryset()` may
order, unions and anything unreadable make it "unknown" (no finding).
"""

from __future__ import annotations

from typing import Any

from parso.tree import search_ancestor

from djvet.core.parso_utils import uses_in
from djvet.project.querysets import Evaluator, ModelClass

KEEPS = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "select_related",
        "prefetch_related",
        "annotate",
        "alias",
        "only",
        "defer",
        "distinct",
        "using",
        "values",
        "values_list",
        "select_for_update",
        "reverse",
        "none",
        "complex_filter",
    }
)


def ordering(evaluator: Evaluator, node: Any, depth: int = 0) -> str:
    if depth > 4:
        return "unknown"
    if node.type == "name":
        return _variable(evaluator, node, depth)
    if node.type not in ("atom_expr", "power") or node.children[0].type != "name":
        return "unknown"
    trailers = node.children[1:]
    index = len(trailers) - 1
    while index >= 1:
        call, name = trailers[index], trailers[index - 1]
        if call.children[0] != "(" or name.children[0] != ".":
            break
        method = name.children[1].value
        if method == "order_by":
            return "ordered" if len(call.children) == 3 else "unordered"
        if method not in KEEPS:
            return "unknown"
        index -= 2
    if index == 0 and trailers[0].children[0] == ".":
        return model_ordering(
            evaluator, node.children[0], trailers[0].children[1].value
        )
    if index == -1:
        return ordering(evaluator, node.children[0], depth + 1)
    return "unknown"


def model_ordering(
    evaluator: Evaluator, model_node: Any, manager: str = "_default_manager"
) -> str:
    """`Meta.ordering` of the model `model_node` names, through `manager`."""
    value = evaluator.value(model_node)
    if not isinstance(value, ModelClass):
        return "unknown"
    model = evaluator.graph.get(value.model)
    if model is None or model.partial:
        return "unknown"
    if model.meta.get("ordering"):
        return "ordered"
    info = (
        model.managers.get(manager)
        if manager != "_default_manager"
        else model.default_manager
    )
    if info is not None and (not info.known or "get_queryset" in info.methods):
        return "unknown"  # a manager may order in its get_queryset()
    if info is None and manager not in ("objects", "_default_manager", "_base_manager"):
        return "unknown"
    return "unordered"


def _variable(evaluator: Evaluator, leaf: Any, depth: int) -> str:
    """Every plain assignment to the name in its function must agree."""
    scope = search_ancestor(leaf, "funcdef", "classdef", "file_input")
    states = set()
    uses = (
        uses_in(scope, leaf.value)
        if scope is not None
        else leaf.get_root_node().get_used_names().get(leaf.value, [])
    )
    for name in uses:
        if (
            not name.is_definition()
            or search_ancestor(name, "funcdef", "classdef", "file_input") is not scope
        ):
            continue
        statement = name.get_definition()
        if (
            statement is None
            or statement.type != "expr_stmt"
            or statement.children[0] is not name
            or len(statement.children) != 3
            or statement.children[1] != "="
        ):
            return "unknown"
        states.add(ordering(evaluator, statement.children[2], depth + 1))
    return states.pop() if len(states) == 1 else "unknown"
