"""Synchronous ORM work inside `async def`, and its async spelling for a Django version.

Django runs no query from a thread with a running event loop: `Book.objects.get()`,
`for b in qs`, `book.save()`, `list(qs)` in a coroutine raise `SynchronousOnlyOperation`.
Django 4.1 added `aget()`, `acount()`, ... and `async for` over querysets; 4.2 added
`asave()`, `adelete()`, `arefresh_from_db()` and the related managers' `aadd()`,
`aremove()`, `aset()`, `aclear()`, `acreate()`. Older versions need `sync_to_async`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from djvet.core.edits import insert_after, insert_before, replace_node
from djvet.core.model import Edit, Span
from djvet.core.parso_utils import call_arguments, code_of
from djvet.project.modules import imported_symbol
from djvet.project.querysets import Evaluator, Instance, QuerySetValue, RelatedManager
from djvet.rules.tasks._celery import instance_label

QUERYSET_METHODS = {
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "count",
    "exists",
    "contains",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "aggregate",
    "in_bulk",
    "explain",
}
INSTANCE_METHODS = {"save", "delete", "refresh_from_db"}
RELATED_METHODS = {
    "add",
    "remove",
    "set",
    "clear",
    "create",
    "get_or_create",
    "update_or_create",
}
BUILTINS = {"list", "len", "tuple", "set", "sorted", "bool"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
V41, V42, V50 = (4, 1), (4, 2), (5, 0)
_NESTED = ("funcdef", "lambdef", "classdef")


@dataclass(frozen=True)
class OrmUse:
    """A synchronous database access in async code."""

    kind: str  # "method", "loop", "comprehension", "builtin"
    node: Any  # reported node: the call chain, the loop's `for`, the builtin call
    shown: str  # for the message: "Book.objects.get()", "for book in ...", "list()"
    minimum: tuple[int, int]  # the Django version with the async spelling
    anchor: Any = None  # "method": the `.get` trailer; else the iterable / the argument
    call_end: Any = None  # "method", "builtin": the call trailer
    iterator: Any = None  # a `.iterator` trailer inside a loop's iterable
    in_generator: bool = False  # inside a generator expression: `await` would change it


def orm_uses(evaluator: Evaluator, function: Any) -> Iterator[OrmUse]:
    for node, in_generator in _body(function):
        use = None
        if node.type in ("atom_expr", "power"):
            use = (
                _method_use(evaluator, node)
                or _builtin_use(evaluator, node)
                or _shortcut_use(evaluator, node)
            )
        elif node.type == "for_stmt" and node.parent.type != "async_stmt":
            use = _iteration(evaluator, node, node.children[3], "loop")
        elif node.type == "sync_comp_for" and node.parent.type != "comp_for":
            use = _iteration(evaluator, node, node.children[3], "comprehension")
        if use is not None:
            yield replace(use, in_generator=in_generator)


def _body(function: Any) -> Iterator[tuple[Any, bool]]:
    """Nodes of the function's own body (nested functions, lambdas and classes run
    elsewhere), with whether each lies in a generator expression."""
    stack = [(child, False) for child in reversed(function.children[-1].children)]
    while stack:
        node, in_generator = stack.pop()
        if node.type in _NESTED or (
            node.type == "async_stmt" and node.children[1].type == "funcdef"
        ):
            continue
        if node.type == "decorated":
            continue
        yield node, in_generator
        generator = in_generator or _is_generator(node)
        stack.extend(
            (child, generator) for child in reversed(getattr(node, "children", ()))
        )


def _is_generator(node: Any) -> bool:
    """`(x for x in y)` or `f(x for x in y)`."""
    if node.type == "atom" and node.children[0] == "(" and len(node.children) == 3:
        inner = node.children[1]
        return inner.type == "testlist_comp" and inner.children[-1].type in (
            "sync_comp_for",
            "comp_for",
        )
    if node.type == "argument" and len(node.children) == 2:
        return node.children[1].type in ("sync_comp_for", "comp_for")
    return False


def _method_use(evaluator: Evaluator, node: Any) -> OrmUse | None:
    children = node.children
    start = 1 if children[0] == "await" else 0
    trailers = children[start + 1 :]
    for index in range(len(trailers) - 1):
        attribute, call = trailers[index], trailers[index + 1]
        if attribute.children[0] != "." or call.children[0] != "(":
            continue
        method = attribute.children[1].value
        if method not in QUERYSET_METHODS | INSTANCE_METHODS | RELATED_METHODS:
            continue
        minimum = _minimum(evaluator, node, index, method)
        if minimum is not None:
            shown = (
                "".join(code_of(c) for c in children[start : start + 1 + index])
                + f".{method}()"
            )
            shown = shown if len(shown) <= 40 else f"{method}()"
            return OrmUse(
                "method", node, shown, minimum, anchor=attribute, call_end=call
            )
    return None


def _minimum(
    evaluator: Evaluator, node: Any, index: int, method: str
) -> tuple[int, int] | None:
    value = evaluator.prefix_value(node, index)
    if isinstance(value, QuerySetValue):
        return V41 if method in QUERYSET_METHODS else None
    if isinstance(value, RelatedManager):
        if method in RELATED_METHODS:
            return V42
        return V41 if method in QUERYSET_METHODS else None
    if method not in INSTANCE_METHODS:
        return None
    if isinstance(value, Instance):
        return None if value.source is not None and value.source.values else V42
    start = 1 if node.children[0] == "await" else 0
    head = node.children[start]
    if (
        value is None
        and index == 0
        and head.type == "name"
        and instance_label(evaluator, head)
    ):
        return V42
    return None


def _shortcut_use(evaluator: Evaluator, node: Any) -> OrmUse | None:
    """`get_object_or_404(...)` / `get_list_or_404(...)` from `django.shortcuts`."""
    children = node.children
    head = children[0]
    if head.type != "name" or len(children) < 2 or children[1].children[0] != "(":
        return None
    source = imported_symbol(evaluator.tree, head.value, evaluator.path)
    if source is None or source[0] != "django.shortcuts" or source[1] not in SHORTCUTS:
        return None
    return OrmUse(
        "shortcut", node, f"{head.value}()", V50, anchor=head, call_end=children[1]
    )


def _builtin_use(evaluator: Evaluator, node: Any) -> OrmUse | None:
    children = node.children
    if (
        children[0].type != "name"
        or children[0].value not in BUILTINS
        or len(children) < 2
    ):
        return None
    call = children[1]
    if call.children[0] != "(" or len(call.children) != 3:
        return None
    positional, keywords = call_arguments(call.children[1])
    if len(positional) != 1 or (keywords and children[0].value != "sorted"):
        return None
    value = evaluator.value(positional[0])
    if not isinstance(value, QuerySetValue) or value.evaluated:
        return None
    return OrmUse(
        "builtin",
        node,
        f"{children[0].value}()",
        V41,
        anchor=positional[0],
        call_end=call,
    )


def _iteration(
    evaluator: Evaluator, node: Any, iterable: Any, kind: str
) -> OrmUse | None:
    value = evaluator.value(iterable)
    if not isinstance(value, QuerySetValue) or value.evaluated:
        return None
    target = code_of(node.children[1])
    return OrmUse(
        kind,
        node,
        f"for {target} in ...",
        V41,
        anchor=iterable,
        iterator=_iterator_call(iterable),
    )


def _iterator_call(iterable: Any) -> Any | None:
    """The call trailer of a trailing `.iterator(...)` (an async loop needs `aiterator`)."""
    children = getattr(iterable, "children", [])
    if iterable.type in ("atom_expr", "power") and len(children) >= 3:
        attribute, call = children[-2], children[-1]
        if (
            attribute.type == "trailer"
            and attribute.children[0] == "."
            and attribute.children[1].value == "iterator"
            and call.children[0] == "("
        ):
            return call
    return None


# -- edits -----------------------------------------------------------------------------
def async_edits(use: OrmUse, modern: bool) -> tuple[list[Edit], bool] | None:
    """(edits, needs `sync_to_async`) rewriting `use` for Django >= `use.minimum` when
    `modern`, else with `sync_to_async`; None when no rewrite is certain."""
    if use.in_generator:
        return None  # `await` would turn the generator expression into an async one
    if use.kind in ("method", "shortcut"):
        return _method_edits(use, modern)
    if use.kind in ("loop", "comprehension"):
        if modern:
            edits = [insert_before(use.node.children[0], "async ")]
            if use.iterator is not None:
                edits.append(
                    replace_node(
                        use.iterator.get_previous_sibling().children[1], "aiterator"
                    )
                )
            return edits, False
        if use.iterator is not None:
            return None
        return [
            replace_node(
                use.anchor, f"await sync_to_async(list)({code_of(use.anchor)})"
            )
        ], True
    return _builtin_edits(use, modern)


def _method_edits(use: OrmUse, modern: bool) -> tuple[list[Edit], bool] | None:
    """`qs.get(...)` -> `await qs.aget(...)`; `get_object_or_404(...)` ->
    `await aget_object_or_404(...)`; or the callee wrapped in `sync_to_async`."""
    node, attribute, call = use.node, use.anchor, use.call_end
    awaited = node.children[0] == "await"
    rest = call.get_next_sibling() is not None
    if awaited and rest:
        return None  # `await qs.get().title` is broken already; a human must place the await
    name_leaf = attribute if use.kind == "shortcut" else attribute.children[1]
    if modern:
        edits = [replace_node(name_leaf, f"a{name_leaf.value}")]
        if not awaited:
            edits.append(insert_before(node, "(await " if rest else "await "))
            if rest:
                edits.append(insert_after(call, ")"))
        return edits, False
    head = node.children[1] if awaited else node.children[0]
    opening = (
        "sync_to_async("
        if awaited
        else "(await sync_to_async("
        if rest
        else "await sync_to_async("
    )
    edits = [insert_before(head, opening), insert_after(attribute, ")")]
    if rest:
        edits.append(insert_after(call, ")"))
    return edits, True


def _builtin_edits(use: OrmUse, modern: bool) -> tuple[list[Edit], bool] | None:
    node, argument = use.node, use.anchor
    name = node.children[0].value
    rest = len(node.children) > 2
    text = code_of(argument)
    if modern and name == "list" and not rest:
        variable = _loop_name(text)
        return [
            replace_node(node, f"[{variable} async for {variable} in {text}]")
        ], False
    call = node.children[1]
    keywords = code_of(call.children[1])[len(text) :] if name == "sorted" else ""
    replacement = f"await sync_to_async({name})({text}{keywords})"
    if rest:
        return [Edit(Span.between(node.children[0], call), f"({replacement})")], True
    return [replace_node(node, replacement)], True


def _loop_name(text: str) -> str:
    for candidate in ("obj", "row", "item", "instance"):
        if candidate not in text:
            return candidate
    return "_obj"
