"""Which view renders which template, with which context (read statically): the data
types, render calls and their contexts (class-based views: `template_classes`; which
renders reach a template: `template_index`).

Render calls: `render(request, "x.html", {...})`, `TemplateResponse(...)`,
`render_to_string(...)`, `render_to_response(...)`, with the context as a dict
literal, `dict(...)`, a variable filled in the function (`context["k"] = v`,
`context.update(...)`) or `locals()`.

Values are parso nodes (evaluated later with an `Evaluator` of their file) or, for
the names Django adds to class-based views' contexts, computed from the queryset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parso.tree import search_ancestor

from djvet.core.parso_utils import (
    call_arguments,
    code_of,
    list_items,
    string_value,
    uses_between,
)
from djvet.project.index import ProjectIndex
from djvet.project.modules import class_named, tree_of
from djvet.project.querysets import (
    Evaluator,
    QuerySetValue,
)

# Callee name -> (position of the template name, position of the context).
RENDER_CALLS = {
    "render": (1, 2),
    "TemplateResponse": (1, 2),
    "SimpleTemplateResponse": (0, 1),
    "render_to_response": (0, 1),
    "render_to_string": (0, 1),
}
# Base-class name patterns -> (kind, default template suffix).
_PREFILTER = re.compile(
    r"\brender(?:_to_response|_to_string)?\s*\(|TemplateResponse|template_name|View\b"
)
_PREFILTER_WORDS = ("render", "TemplateResponse", "template_name", "View")
MAX_CHAIN = 6


@dataclass(frozen=True)
class Page:
    """`page_obj`: iterating it (or its `object_list`) iterates the queryset."""

    queryset: QuerySetValue


@dataclass(eq=False)
class Entry:
    """One context name: a node of the file at `path`, or a value computed on demand."""

    path: str
    node: Any = None
    compute: Callable[[Evaluators], Any] | None = None


@dataclass(eq=False)
class Render:
    path: str  # the view's file
    view: Any  # the view function or class
    names: tuple[str, ...]  # template names, in the order Django tries them
    anchor: Any  # where to report in the view when the queryset is built elsewhere
    context: dict[str, Entry] = field(default_factory=dict)
    # analyses of this render, computed once
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        name = getattr(self.view, "name", None)
        return name.value if name is not None else "<module>"


class Evaluators:
    """One `Evaluator` per file; `trees` overrides files (the document being checked)."""

    def __init__(
        self, project: ProjectIndex, trees: dict[str, Any] | None = None
    ) -> None:
        self.project = project
        self.trees = trees or {}
        self._by_path: dict[str, Evaluator | None] = {}

    def of(self, path: str) -> Evaluator | None:
        if path not in self._by_path:
            tree = self.trees.get(path) or tree_of(self.project, path)
            self._by_path[path] = (
                Evaluator(self.project, path, tree) if tree is not None else None
            )
        return self._by_path[path]

    def value(self, entry: Entry) -> Any:
        if entry.compute is not None:
            return entry.compute(self)
        evaluator = self.of(entry.path)
        return (
            evaluator.value(entry.node)
            if evaluator is not None and entry.node is not None
            else None
        )


def might_render(text: str) -> bool:
    # Plain substring tests first: the pattern's alternatives defeat the regex engine's
    # literal search, and it was a quarter of computing a cold run's cache keys.
    return any(word in text for word in _PREFILTER_WORDS) and bool(
        _PREFILTER.search(text)
    )


# -- render calls ------------------------------------------------------------------------
def _callee(node: Any) -> tuple[str, Any] | None:
    children = node.children
    last = children[-1]
    if last.type != "trailer" or last.children[0] != "(" or len(children) < 2:
        return None
    before = children[-2]
    if before.type == "name":
        name = before.value
    elif before.type == "trailer" and before.children[0] == ".":
        name = before.children[1].value
        if code_of(children[0]) == "self":
            # `self.render_to_response(ctx)`: the class decides the template
            return None
    else:
        return None
    return (name, last) if name in RENDER_CALLS else None


def render_call(
    project: ProjectIndex, path: str, tree: Any, node: Any
) -> Render | None:
    callee = _callee(node)
    if callee is None:
        return None
    name, call = callee
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    template_at, context_at = RENDER_CALLS[name]
    template = keywords.get("template_name") or (
        positional[template_at] if len(positional) > template_at else None
    )
    context = keywords.get("context") or (
        positional[context_at] if len(positional) > context_at else None
    )
    if template is None:
        return None
    function = search_ancestor(node, "funcdef") or tree
    names = _template_names(project, path, tree, template, function)
    if not names:
        return None
    entries = (
        context_entries(path, context, function, node) if context is not None else {}
    )
    return Render(path, function, tuple(names), node, entries or {})


def _template_names(
    project: ProjectIndex, path: str, tree: Any, node: Any, function: Any
) -> list[str]:
    """`"x.html"`, `["a.html", "b.html"]`, a variable holding one, `self.template_name`."""
    literal = string_value(node)
    if literal is not None:
        return [literal]
    items = list_items(node)
    if items is not None:
        return [v for v in (string_value(i) for i in items) if v]
    if node.type == "name":
        value = _assigned_before(function, node.value, node) or _assigned_before(
            tree, node.value, node
        )
        return (
            _template_names(project, path, tree, value, function)
            if value is not None
            else []
        )
    if code_of(node) == "self.template_name":
        cls = search_ancestor(function, "classdef")
        if cls is not None:
            for _, _, klass in class_chain(project, path, tree, cls):
                value = class_attribute(klass, "template_name")
                if value is not None:
                    return [v for v in [string_value(value)] if v]
    return []


def _assigned_before(scope: Any, name: str, use: Any) -> Any | None:
    """The value of the last `name = value` in `scope` (not nested functions) before `use`."""
    best = None
    for leaf in scope.get_root_node().get_used_names().get(name, []):
        if not leaf.is_definition() or leaf.start_pos >= use.start_pos:
            continue
        if search_ancestor(leaf, "funcdef", "classdef", "file_input") is not _own_scope(
            scope
        ):
            continue
        statement = leaf.get_definition()
        if (
            statement is not None
            and statement.type == "expr_stmt"
            and statement.children[0] is leaf
            and len(statement.children) == 3
            and statement.children[1] == "="
        ):
            best = statement.children[2]
    return best


def _own_scope(scope: Any) -> Any:
    return (
        scope
        if scope.type in ("funcdef", "classdef", "file_input")
        else search_ancestor(scope, "funcdef", "classdef", "file_input")
    )


def context_entries(
    path: str, node: Any, function: Any, call: Any, depth: int = 0
) -> dict[str, Entry]:
    """Context names of a dict literal, `dict(...)`, a dict variable or `locals()`."""
    if depth > 3:
        return {}
    if node.type == "atom" and node.children[0] == "{":
        return _dict_literal(path, node, function, call, depth)
    text = code_of(node)
    if text == "locals()":
        return _locals(path, function, call)
    if (
        node.type in ("atom_expr", "power")
        and code_of(node.children[0]) == "dict"
        and len(node.children) == 2
    ):
        trailer = node.children[1]
        positional, keywords = call_arguments(
            trailer.children[1] if len(trailer.children) == 3 else None
        )
        entries = {}
        for argument in positional[:1]:
            entries.update(context_entries(path, argument, function, call, depth + 1))
        entries.update({key: Entry(path, value) for key, value in keywords.items()})
        return entries
    if node.type == "name" and function.type == "funcdef":
        return _dict_variable(path, node.value, function, call, depth)
    return {}


def _dict_literal(
    path: str, node: Any, function: Any, call: Any, depth: int
) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    if len(node.children) != 3:
        return entries
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return entries
    children = inner.children
    if any(c.type in ("comp_for", "sync_comp_for") for c in children):
        return entries
    index = 0
    while index < len(children):
        child = children[index]
        if child == "**":
            entries.update(
                context_entries(path, children[index + 1], function, call, depth + 1)
            )
            index += 3
            continue
        if index + 2 < len(children) and children[index + 1] == ":":
            key = string_value(child)
            if key is not None:
                entries[key] = Entry(path, children[index + 2])
            index += 4
            continue
        index += 1
    return entries


def _dict_variable(
    path: str, name: str, function: Any, call: Any, depth: int
) -> dict[str, Entry]:
    """`context = {...}` then `context["k"] = v` / `context.update(...)` before the render."""
    value = _assigned_before(function, name, call)
    entries = (
        context_entries(path, value, function, call, depth + 1)
        if value is not None
        else {}
    )
    for leaf in uses_between(function, name, function.start_pos, call.start_pos):
        chain = leaf.parent
        if (
            chain.type not in ("atom_expr", "power")
            or chain.children[0] is not leaf
            or len(chain.children) < 2
        ):
            continue
        trailer = chain.children[1]
        statement = chain.parent
        if (
            trailer.children[0] == "["
            and statement.type == "expr_stmt"
            and statement.children[0] is chain
            and len(chain.children) == 2
            and statement.children[1] == "="
        ):
            key = string_value(trailer.children[1])
            if key is not None:
                entries[key] = Entry(path, statement.children[-1])
        elif code_of(trailer) == ".update" and len(chain.children) == 3:
            update = chain.children[2]
            positional, keywords = call_arguments(
                update.children[1] if len(update.children) == 3 else None
            )
            for argument in positional[:1]:
                entries.update(
                    context_entries(path, argument, function, call, depth + 1)
                )
            entries.update({key: Entry(path, v) for key, v in keywords.items()})
    return entries


def _locals(path: str, function: Any, call: Any) -> dict[str, Entry]:
    if function.type != "funcdef":
        return {}
    entries: dict[str, Entry] = {}
    for name, leaves in function.get_root_node().get_used_names().items():
        value = (
            _assigned_before(function, name, call)
            if any(
                function.start_pos < leaf.start_pos < call.start_pos for leaf in leaves
            )
            else None
        )
        if value is not None:
            entries[name] = Entry(path, value)
    return entries


# -- class-based views ---------------------------------------------------------------------
def class_chain(
    project: ProjectIndex, path: str, tree: Any, cls: Any
) -> list[tuple[str, Any, Any]]:
    """The class and its workspace bases, nearest first: (path, tree, classdef)."""
    chain: list[tuple[str, Any, Any]] = []
    pending = [(path, tree, cls)]
    while pending and len(chain) < MAX_CHAIN:
        current = pending.pop(0)
        if any(c[2] is current[2] for c in chain):
            continue
        chain.append(current)
        for base in base_names(current[2]):
            found = class_named(project, current[0], current[1], base)
            if found is not None:
                pending.append(found)
    return chain


def base_names(cls: Any) -> list[str]:
    arglist = (
        cls.children[3] if len(cls.children) > 4 and cls.children[2] == "(" else None
    )
    if arglist is None or arglist == ")":
        return []
    positional, _ = call_arguments(arglist)
    return [code_of(b) for b in positional if b.type in ("name", "atom_expr", "power")]


def class_attribute(cls: Any, name: str) -> Any | None:
    for child in cls.get_suite().children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            statement = child.children[0]
            first = statement.children[0]
            if (
                first.type == "name"
                and first.value == name
                and len(statement.children) == 3
                and statement.children[1] == "="
            ):
                return statement.children[2]
    return None
