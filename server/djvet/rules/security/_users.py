"""Is this the project's user model, or one of its instances? (DJV229, DJV231.)"""

from __future__ import annotations

from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.project.models import ModelInfo, model_graph
from djvet.project.querysets import Evaluator, Instance, ModelClass

_WRITES = frozenset({"create", "get_or_create", "update_or_create", "update"})
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})


def is_user_model(ctx: FileContext, model: ModelInfo | None) -> bool:
    """The `AUTH_USER_MODEL`, or a model built on `AbstractBaseUser` (a password column
    next to `last_login`)."""
    if model is None:
        return False
    graph = model_graph(ctx.project)
    return model.label == graph.user_model or {"password", "last_login"} <= set(
        model.fields
    )


def model_of_name(ctx: FileContext, head: Any) -> ModelInfo | None:
    """The model a name or `get_user_model()` call stands for."""
    graph = model_graph(ctx.project)
    if head.type == "name":
        return graph.resolve(ctx.path, ctx.tree, head.value)
    code = head.get_code(include_prefix=False)
    if code.endswith("get_user_model()"):
        return graph.get(graph.user_model)
    return None


def _model_head(ctx: FileContext, children: list[Any]) -> ModelInfo | None:
    if (
        children[0].type == "name"
        and len(children) > 2
        and children[0].value.endswith("get_user_model")
        and children[1].get_code() == "()"
    ):
        graph = model_graph(ctx.project)
        return graph.get(graph.user_model)
    return model_of_name(ctx, children[0])


def user_model_call(ctx: FileContext, node: Any) -> str | None:
    """`create`, `update`, ... or `constructor` when `node` writes rows of the user model
    through its manager, a queryset of it, or its class."""
    children = node.children
    if (
        len(children) < 2
        or children[-1].type != "trailer"
        or children[-1].children[0] != "("
    ):
        return None
    if len(children) == 2:
        return (
            "constructor"
            if is_user_model(ctx, model_of_name(ctx, children[0]))
            else None
        )
    method = children[-2]
    if (
        method.type != "trailer"
        or method.children[0] != "."
        or method.children[1].value not in _WRITES
    ):
        return None
    names = {
        t.children[1].value
        for t in children[1:-2]
        if t.type == "trailer" and t.children[0] == "."
    }
    if not names & _MANAGERS:
        return None
    return (
        method.children[1].value
        if is_user_model(ctx, _model_head(ctx, children))
        else None
    )


def is_user_instance(ctx: FileContext, owner: Any) -> bool:
    """A user object: evaluated to an instance of the user model, `self` in it, or a
    variable named like one (`user`, `new_user`) that nothing says is something else."""
    if owner.type == "name" and owner.value == "self":
        cls = search_ancestor(owner, "classdef")
        return cls is not None and is_user_model(ctx, model_of_name(ctx, cls.name))
    graph = model_graph(ctx.project)
    try:
        value = (
            Evaluator(ctx.project, ctx.path, ctx.tree).value(owner)
            if owner.type == "name"
            else None
        )
    except Exception:  # the evaluator reads half-typed code; a failure means "unknown"
        value = None
    if isinstance(value, Instance):
        return is_user_model(ctx, graph.get(value.model))
    if isinstance(value, ModelClass):
        return False
    name = (
        owner.value
        if owner.type == "name"
        else owner.get_code(include_prefix=False).rsplit(".", 1)[-1]
    )
    return "user" in name.lower()
