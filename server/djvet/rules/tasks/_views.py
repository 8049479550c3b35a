"""Where code runs: request handlers, `async def` bodies, transactions.

Shared by the async and background-task rules. Everything is read from the parso tree:
a request handler is a function taking `request` (or a view method taking
`self, request`), or a form/DRF hook of a view class.
"""

from __future__ import annotations

from typing import Any

from djvet.core.parso_utils import call_parts, dotted_name, iter_nodes
from djvet.project.index import ProjectIndex
from djvet.project.settings import effective_settings, settings_index

# Methods of class-based views and DRF views that run inside a request without taking it.
_VIEW_HOOKS = {
    "form_valid",
    "form_invalid",
    "get_context_data",
    "get_object",
    "get_queryset",
    "perform_create",
    "perform_update",
    "perform_destroy",
    "get_success_url",
}
_REQUEST_ANNOTATIONS = (
    "HttpRequest",
    "Request",
    "WSGIRequest",
    "ASGIRequest",
    "AuthenticatedHttpRequest",
)


def enclosing_function(node: Any) -> Any | None:
    """The innermost `def` around `node`; None at module level or inside a lambda."""
    current = node.parent
    while current is not None:
        if current.type == "funcdef":
            return current
        if current.type in ("lambdef", "classdef", "file_input"):
            return None
        current = current.parent
    return None


def is_async(function: Any) -> bool:
    return function.parent is not None and function.parent.type in (
        "async_stmt",
        "async_funcdef",
    )


def request_param(function: Any) -> str | None:
    """The name of the request parameter of a view function or view method."""
    params = [p for p in function.get_params() if p.star_count == 0]
    if params and params[0].name.value in ("self", "cls"):
        params = params[1:]
    if not params:
        return None
    first = params[0]
    if first.name.value in ("request", "req"):
        return first.name.value
    annotation = first.annotation
    if (
        annotation is not None
        and annotation.get_code(include_prefix=False).split(".")[-1].strip("\"'")
        in _REQUEST_ANNOTATIONS
    ):
        return first.name.value
    return None


def is_request_handler(function: Any) -> bool:
    """A view function, a view method, or a view class's request-time hook."""
    if request_param(function) is not None:
        return True
    if function.name.value not in _VIEW_HOOKS:
        return False
    cls = function.parent
    while cls is not None and cls.type != "classdef":
        if cls.type in ("funcdef", "file_input"):
            return False
        cls = cls.parent
    return cls is not None and _looks_like_view(cls)


def _looks_like_view(cls: Any) -> bool:
    bases = cls.get_super_arglist()
    if bases is None:
        return False
    text = bases.get_code(include_prefix=False)
    return any(word in text for word in ("View", "ViewSet", "APIView"))


def handler_of(node: Any) -> Any | None:
    """The request handler `node` runs in directly (not in a nested function)."""
    function = enclosing_function(node)
    return function if function is not None and is_request_handler(function) else None


# -- transactions ----------------------------------------------------------------------
_ATOMIC = {
    "transaction.atomic",
    "atomic",
    "db.transaction.atomic",
    "django.db.transaction.atomic",
}


def is_atomic_expression(node: Any) -> bool:
    """`transaction.atomic`, `transaction.atomic()` or `atomic(using="x")`."""
    name = dotted_name(node)
    if name is None:
        parts = call_parts(node)
        name = parts[0] if parts else None
    return name in _ATOMIC


def atomic_decorated(function: Any) -> bool:
    """`@transaction.atomic` (or `@atomic()`) on the function."""
    return any(name in _ATOMIC for name in decorator_names(function))


def inside_atomic_block(node: Any) -> Any | None:
    """The `with transaction.atomic():` statement around `node` in the same function."""
    current = node.parent
    while current is not None and current.type not in (
        "funcdef",
        "lambdef",
        "classdef",
        "file_input",
    ):
        if current.type == "with_stmt":
            for item in current.children[1:-2]:
                target = item.children[0] if item.type == "with_item" else item
                if is_atomic_expression(target):
                    return current
        current = current.parent
    return None


def decorator_names(function: Any) -> list[str]:
    decorated = function.parent
    if decorated is not None and decorated.type in ("async_funcdef", "async_stmt"):
        decorated = decorated.parent
    if decorated is None or decorated.type != "decorated":
        return []
    decorators = decorated.children[0]
    items = decorators.children if decorators.type == "decorators" else [decorators]
    names = []
    for item in items:
        expression = item.children[1]
        name = dotted_name(expression)
        if name is None:
            parts = call_parts(expression)
            name = parts[0] if parts else expression.get_code(include_prefix=False)
        names.append(name)
    return names


def atomic_requests(project: ProjectIndex) -> bool:
    """Whether production wraps each request in a transaction (`ATOMIC_REQUESTS`)."""
    index = settings_index(project)
    for module in index.production_views():
        databases = effective_settings(project, module).get("DATABASES")
        if databases is None or not isinstance(databases.value, dict):
            continue
        default = databases.value.get("default")
        if isinstance(default, dict) and default.get("ATOMIC_REQUESTS") is True:
            return True
    return False


_WRITES = {
    "save",
    "create",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# `.update()` is a write on a queryset, not on a dict: only after a manager or a filter.
_QUERYSET_UPDATE = ("objects", "filter(", "exclude(", "all(")


def writes_before(scope: Any, node: Any) -> bool:
    """A `.save()` / `.create()` / `qs.update()`... call inside `scope` before `node`."""
    for trailer in iter_nodes(scope, {"trailer"}):
        if trailer.start_pos >= node.start_pos:
            break
        if trailer.children[0] != "." or trailer.children[1].type != "name":
            continue
        method = trailer.children[1].value
        following = trailer.get_next_sibling()
        if (
            following is None
            or following.type != "trailer"
            or following.children[0] != "("
        ):
            continue
        if method in _WRITES:
            return True
        if method == "update":
            chain = trailer.parent
            before = "".join(
                c.get_code(include_prefix=False)
                for c in chain.children[: chain.children.index(trailer)]
            )
            if any(marker in before for marker in _QUERYSET_UPDATE):
                return True
    return False
