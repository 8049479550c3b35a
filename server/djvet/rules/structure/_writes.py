"""Views and the ORM writes they make (DJV305's measurement)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.parso_utils import (
    assignment_pairs,
    call_arguments,
    call_parts,
    iter_nodes,
)
from djvet.project.querysets import (
    Evaluator,
    Instance,
    ModelClass,
    QuerySetValue,
    RelatedManager,
)

QUERYSET_WRITES = frozenset(
    {
        "create",
        "bulk_create",
        "bulk_update",
        "update",
        "delete",
        "get_or_create",
        "update_or_create",
        "acreate",
        "abulk_create",
        "aupdate",
        "adelete",
        "aget_or_create",
        "aupdate_or_create",
    }
)
INSTANCE_WRITES = frozenset({"save", "delete", "asave", "adelete"})
RELATED_WRITES = frozenset(
    {
        "add",
        "remove",
        "set",
        "clear",
        "create",
        "aadd",
        "aremove",
        "aset",
        "aclear",
        "acreate",
    }
)
HANDLERS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "dispatch",
        "form_valid",
        "perform_create",
        "perform_update",
        "perform_destroy",
        "create",
        "update",
        "partial_update",
        "destroy",
        "delete_model",
        "save_model",
    }
)


def view_functions(ctx: FileContext) -> Iterator[Any]:
    """Functions taking `request`, and request-handling methods of classes."""
    for function in iter_nodes(ctx.tree, {"funcdef"}):
        scope = function.parent
        while scope is not None and scope.type not in (
            "funcdef",
            "classdef",
            "file_input",
        ):
            scope = scope.parent
        params = [p.name.value for p in function.get_params()]
        if scope is None or scope.type == "funcdef":
            continue  # nested helpers count towards the view that holds them
        handler = params[:1] == ["self"] and (
            function.name.value in HANDLERS or params[1:2] == ["request"]
        )
        if (scope.type == "file_input" and params[:1] == ["request"]) or (
            scope.type == "classdef" and handler
        ):
            yield function


def orm_writes(ctx: FileContext, function: Any) -> list[tuple[str, Any]]:
    """(model label, call site) of every ORM write in `function` tied to a model."""
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    writes: list[tuple[str, Any]] = []
    for chain in iter_nodes(function, {"atom_expr", "power"}):
        children = chain.children
        for index in range(1, len(children) - 1):
            trailer, call = children[index], children[index + 1]
            if (
                trailer.type != "trailer"
                or trailer.children[0] != "."
                or call.type != "trailer"
                or call.children[0] != "("
            ):
                continue
            model = _written_model(
                evaluator, function, chain, index, trailer.children[1].value
            )
            if model is not None:
                writes.append((model, trailer))
    return writes


def _written_model(
    evaluator: Evaluator, function: Any, chain: Any, index: int, method: str
) -> str | None:
    if method not in QUERYSET_WRITES | INSTANCE_WRITES | RELATED_WRITES:
        return None
    value = evaluator.prefix_value(chain, index - 1)
    if isinstance(value, QuerySetValue) and method in QUERYSET_WRITES:
        return value.model
    if isinstance(value, ModelClass) and method in QUERYSET_WRITES:
        return value.model
    if isinstance(value, RelatedManager) and method in RELATED_WRITES:
        return value.field.target
    if isinstance(value, Instance) and method in INSTANCE_WRITES:
        return value.model
    if value is None:
        return _fallback(evaluator, function, chain, index, method)
    return None


def _fallback(
    evaluator: Evaluator, function: Any, chain: Any, index: int, method: str
) -> str | None:
    """`Order.objects.create(...)` with the model beside the view, and `order = Order(...)`
    then `order.save()`: what the queryset analysis leaves unknown."""
    head = chain.children[0]
    if head.type != "name":
        return None
    if index == 2 and method in QUERYSET_WRITES:
        model = evaluator.graph.resolve(evaluator.path, evaluator.tree, head.value)
        manager = chain.children[1].children[-1]
        if model is not None and getattr(manager, "value", None) in model.managers:
            return model.label
    if index == 1 and method in INSTANCE_WRITES:
        return _constructed(evaluator, function, head)
    return None


def _constructed(evaluator: Evaluator, function: Any, name: Any) -> str | None:
    """The model of `name = Model(...)`, the last such assignment before `name`'s use."""
    found = None
    for statement in iter_nodes(function, {"expr_stmt"}):
        if statement.start_pos >= name.start_pos:
            break
        for target, value in assignment_pairs(statement):
            if target.value != name.value:
                continue
            found = _constructed_model(evaluator, value)
    return found


def _constructed_model(evaluator: Evaluator, value: Any) -> str | None:
    """`Model(...)` or `get_object_or_404(Model, ...)`."""
    parts = call_parts(value) if value.type in ("atom_expr", "power") else None
    if parts is None:
        return None
    callee = parts[0]
    if callee.rsplit(".", 1)[-1] == "get_object_or_404":
        positional, _ = call_arguments(parts[1])
        first = positional[0] if positional else None
        if first is None or first.type != "name":
            return None
        callee = first.value
    model = evaluator.graph.resolve(evaluator.path, evaluator.tree, callee)
    return model.label if model is not None else None
