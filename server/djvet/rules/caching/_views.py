"""Views and their decorators, for the per-view caching rules: decorator names seen
through `method_decorator(...)`, and whether a view reads the visiting user."""

from __future__ import annotations

from typing import Any

from djvet.core.parso_utils import call_arguments, iter_nodes


def decorators_of(decorated: Any) -> list[Any]:
    first = decorated.children[0]
    return list(first.children) if first.type == "decorators" else [first]


def decorator_expression(decorator: Any) -> Any:
    """The expression after `@` (its first child is `@`, its last the newline)."""
    return decorator.children[1]


def decorator_name(node: Any) -> str | None:
    """`cache_page` for `cache_page(...)`, `cache.cache_page(...)` or a bare name."""
    if node.type == "name":
        return node.value
    if node.type == "dotted_name":
        return node.children[-1].value
    if node.type not in ("atom_expr", "power") or node.children[0].type != "name":
        return None
    trailers = node.children[1:]
    if trailers and trailers[-1].children[0] == "(":
        trailers = trailers[:-1]
    if any(t.children[0] != "." for t in trailers):
        return None
    return trailers[-1].children[1].value if trailers else node.children[0].value


def inner_name(decorator: Any) -> str | None:
    """The decorator's name, seen through `method_decorator(inner, ...)`."""
    expression = decorator_expression(decorator)
    name = decorator_name(expression)
    if name == "method_decorator" and expression.type in ("atom_expr", "power"):
        trailer = expression.children[-1]
        positional, _ = call_arguments(
            trailer.children[1] if len(trailer.children) == 3 else None
        )
        if positional:
            inner = positional[0]
            return decorator_name(inner)
    return name


def inner_node(decorator: Any) -> Any:
    expression = decorator_expression(decorator)
    if decorator_name(expression) == "method_decorator":
        trailer = expression.children[-1]
        positional, _ = call_arguments(
            trailer.children[1] if len(trailer.children) == 3 else None
        )
        return positional[0] if positional else expression
    return expression


# Methods that only run for POST/PUT/PATCH/DELETE, whose responses cache_page never stores.
_WRITE_METHODS = {
    "post",
    "put",
    "patch",
    "delete",
    "perform_create",
    "perform_update",
    "perform_destroy",
    "create",
    "update",
    "partial_update",
    "destroy",
    "form_valid",
    "form_invalid",
    "delete_object",
}


def reads_user(node: Any, requests: set[str]) -> str | None:
    """`request.user` / `request.session` (or `self.request.user`) anywhere in `node`,
    outside a class's write-only methods."""
    for chain in iter_nodes(node, {"atom_expr", "power"}):
        if node.type == "classdef" and _in_write_method(chain, node):
            continue
        path = _attribute_path(chain)
        if path[:2] == ["self", "request"]:
            path = path[1:]
        elif not path or path[0] not in requests or path[0] == "self":
            continue
        if len(path) > 1 and path[1] in ("user", "session"):
            return f"reads `request.{path[1]}`"
    return None


def _in_write_method(chain: Any, cls: Any) -> bool:
    parent = chain.parent
    while parent is not None and parent is not cls:
        if parent.type == "funcdef" and parent.name.value in _WRITE_METHODS:
            return True
        parent = parent.parent
    return False


def _attribute_path(chain: Any) -> list[str]:
    """`["self", "request", "user"]` for `self.request.user.pk` up to the first call."""
    head = chain.children[0]
    if head.type != "name":
        return []
    path = [head.value]
    for trailer in chain.children[1:]:
        if trailer.type != "trailer" or trailer.children[0] != ".":
            break
        path.append(trailer.children[1].value)
    return path
