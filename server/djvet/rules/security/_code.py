"""What the security rules ask of Python expressions, answered statically with parso:
is it request data (`request.GET`, `request.data`, ...), a constant (literals, `ALL_CAPS`
names, `settings.X`, `gettext("...")`), a manager or queryset; did the team silence a
peer checker here; where does a name come from, and the edit importing a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.edits import insert_after, insert_at
from djvet.core.model import Edit
from djvet.core.parso_utils import code_of
from djvet.rules.security._scopes import attr_name, bindings, call_args, reaching
from djvet.rules.security._strings import plain_string

MAX_DEPTH = 6
# Attributes of a request that carry what the client sent.
REQUEST_ATTRS = frozenset(
    {
        "GET",
        "POST",
        "data",
        "query_params",
        "body",
        "headers",
        "COOKIES",
        "META",
        "FILES",
        "content_params",
    }
)
_GETTEXT = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "ugettext",
        "ugettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "gettext_noop",
        "format_lazy",
    }
)
# Functions whose result is still the data they were given.
_CARRIERS = frozenset(
    {"str", "dict", "list", "loads", "parse_qs", "QueryDict", "deepcopy", "copy"}
)
_CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


# -- provenance ------------------------------------------------------------------------
def is_request_name(node: Any) -> bool:
    """`request`, or `self.request` in a class-based view."""
    if node.type == "name":
        return node.value == "request"
    return code_of(node) == "self.request"


def is_request_data(node: Any, depth: int = 0) -> bool:
    """Whether `node` holds what the client sent: `request.GET[...]`, `request.data`,
    `self.request.POST.get(...)`, a variable assigned from them, or a string built
    with them. Calls of other functions (validators, `int()`) end the trail."""
    if depth > MAX_DEPTH:
        return False
    kind = node.type
    if kind == "name":
        return any(
            b.value is not None
            and b.kind in ("assign", "augassign", "unpack", "for")
            and is_request_data(b.value, depth + 1)
            for b in reaching(node)
        )
    if kind in ("atom_expr", "power"):
        return _chain_is_request(node, depth)
    if kind == "atom" and node.children[0] == "(" and len(node.children) == 3:
        return is_request_data(node.children[1], depth)
    if kind in (
        "or_test",
        "and_test",
        "ternary",
        "test",
        "arith_expr",
        "term",
        "strings",
        "fstring",
    ):
        return any(is_request_data(child, depth + 1) for child in _operands(node))
    return False


def _operands(node: Any) -> Iterator[Any]:
    if node.type == "test" and len(node.children) == 5 and node.children[1] == "if":
        # `a if condition else b`: the condition is not the value
        yield node.children[0]
        yield node.children[4]
        return
    if node.type == "fstring":
        for child in node.children:
            if child.type == "fstring_expr":
                yield child.children[1]
        return
    for child in node.children:
        if child.type not in ("operator", "keyword"):
            yield child


def _chain_is_request(node: Any, depth: int) -> bool:
    children = node.children
    head, trailers = children[0], children[1:]
    if (
        head.type == "name"
        and head.value == "self"
        and trailers
        and attr_name(trailers[0]) == "request"
    ):
        trailers = trailers[1:]
        return bool(trailers) and attr_name(trailers[0]) in REQUEST_ATTRS
    if head.type == "name" and head.value == "request":
        return bool(trailers) and attr_name(trailers[0]) in REQUEST_ATTRS
    if head.type == "string" or head.type == "strings":
        # `"...".format(request.GET["q"])`, `", ".join(request.GET.getlist("x"))`
        return any(is_request_data(arg, depth + 1) for arg in call_args(trailers[-1]))
    if head.type == "name" and head.value in _CARRIERS and len(trailers) == 1:
        return any(is_request_data(arg, depth + 1) for arg in call_args(trailers[0]))
    if (
        head.type == "name"
        and len(trailers) == 2
        and attr_name(trailers[0]) in _CARRIERS
    ):
        # json.loads
        return any(is_request_data(arg, depth + 1) for arg in call_args(trailers[1]))
    if head.type == "name":
        # A method called on tainted data stays tainted (`name.strip()`); a function is a
        # boundary unless it only converts to text.
        return (
            bool(trailers)
            and attr_name(trailers[0]) is not None
            and is_request_data(head, depth + 1)
        )
    return False


def is_constant(node: Any, depth: int = 0) -> bool:
    """Literals, `ALL_CAPS` names, `settings.X`, names bound only to constants,
    `gettext("...")`, and strings built from constants only."""
    if depth > MAX_DEPTH:
        return False
    kind = node.type
    if kind in ("number", "keyword") or (
        kind in ("string", "strings") and plain_string(node)
    ):
        return True
    if kind == "name":
        if _CONSTANT_NAME.match(node.value) or node.value in ("True", "False", "None"):
            return True
        found = reaching(node)
        return bool(found) and all(
            b.kind == "assign"
            and b.value is not None
            and is_constant(b.value, depth + 1)
            for b in found
        )
    if kind in ("atom_expr", "power"):
        return _constant_chain(node, depth)
    if kind == "atom":
        inner = node.children[1:-1]
        return all(is_constant(child, depth + 1) for child in _flat_items(inner))
    if kind in (
        "fstring",
        "strings",
        "arith_expr",
        "term",
        "or_test",
        "and_test",
        "test",
        "comparison",
        "not_test",
        "factor",
    ):
        return all(is_constant(child, depth + 1) for child in _operands(node))
    return False


def _flat_items(nodes: list[Any]) -> Iterator[Any]:
    for node in nodes:
        if node.type in ("testlist_comp", "dictorsetmaker", "exprlist", "testlist"):
            if any(c.type in ("comp_for", "sync_comp_for") for c in node.children):
                yield node  # a comprehension: not a constant
                continue
            yield from (c for c in node.children if c.type != "operator")
        elif node.type != "operator":
            yield node


def _constant_chain(node: Any, depth: int) -> bool:
    children = node.children
    head = children[0]
    if (
        head.type == "name"
        and head.value == "settings"
        and all(attr_name(t) for t in children[1:])
    ):
        return True
    if head.type == "name" and head.value in _GETTEXT and len(children) == 2:
        args = call_args(children[1])
        return bool(args) and all(is_constant(a, depth + 1) for a in args)
    if (
        head.type in ("string", "strings")
        and len(children) == 3
        and attr_name(children[1]) in ("format", "join", "upper", "lower", "strip")
    ):
        return plain_string(head) and all(
            is_constant(a, depth + 1) for a in call_args(children[2])
        )
    # `Status.PAID`, `Order.Status.PAID.value`: class constants of an enum-like.
    return all(attr_name(t) for t in children[1:]) and any(
        _CONSTANT_NAME.match(attr_name(t) or "") for t in children[1:]
    )


# -- querysets -------------------------------------------------------------------------------
_QUERYSET_METHODS = frozenset(
    {
        "objects",
        "all",
        "filter",
        "exclude",
        "order_by",
        "annotate",
        "select_related",
        "prefetch_related",
        "distinct",
        "using",
        "values",
        "only",
        "defer",
        "get_queryset",
        "none",
        "_default_manager",
        "_base_manager",
        "select_for_update",
        "alias",
    }
)


def queryset_chain(receiver: list[Any]) -> bool:
    """Whether a call receiver (head and trailers) is a manager or queryset:
    `Book.objects...`, `qs.filter(...)`, `self.get_queryset()`, or a variable named like
    one (`qs`, `queryset`) or bound to such a chain."""
    names = {
        t.children[1].value
        for t in receiver[1:]
        if t.type == "trailer" and t.children[0] == "." and len(t.children) == 2
    }
    if names & _QUERYSET_METHODS:
        return True
    head = receiver[0]
    if len(receiver) != 1 or head.type != "name":
        return False
    if head.value in ("qs", "queryset") or head.value.endswith(
        ("_qs", "_queryset", "queryset")
    ):
        return True
    return any(
        b.value is not None
        and b.value.type in ("atom_expr", "power")
        and queryset_chain(b.value.children)
        for b in bindings(head)
        if b.kind == "assign"
    )


# -- peer suppressions -------------------------------------------------------------------
_PEER_NOQA = re.compile(
    r"#\s*(?:noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)"
    r"|pylint:\s*disable\s*=\s*(?P<pylint>[\w-]+(?:\s*,\s*[\w-]+)*)"
    r"|nosec\b(?P<nosec>.*))"
)


def peer_suppressed(ctx: FileContext, node: Any, codes: tuple[str, ...]) -> bool:
    """Whether the team already silenced a peer checker's rule for the same problem at
    this spot: `# noqa: S308` (ruff, flake8), `# pylint: disable=modelform-uses-exclude`
    (on the lines of `node` or alone on the line above), or bandit's `# nosec`."""
    lines = ctx.document.lines
    first, last = node.start_pos[0] - 1, min(node.end_pos[0] - 1, len(lines) - 1)
    numbers = list(range(first, last + 1))
    if first > 0 and lines[first - 1].lstrip().startswith("#"):
        numbers.append(first - 1)
    for number in numbers:
        for match in _PEER_NOQA.finditer(lines[number]):
            if match["nosec"] is not None:
                return True
            listed = match["codes"] or match["pylint"] or ""
            if {c.strip() for c in listed.split(",")} & set(codes):
                return True
    return False


# -- imports -----------------------------------------------------------------------------------
def imported_from(ctx: FileContext, name: str) -> str | None:
    """`django.utils.html` for a module-level `from django.utils.html import name`."""
    for node in ctx.tree.iter_imports():
        if node.type != "import_from":
            continue
        for original, alias in node._as_name_tuples():
            if (alias or original).value == name:
                return ".".join(n.value for n in node.get_from_names())
    return None


def names_from(ctx: FileContext, module: str, name: str) -> str | None:
    """The local name `module.name` is imported as (`from module import name as x`)."""
    for node in ctx.tree.iter_imports():
        if (
            node.type == "import_from"
            and ".".join(n.value for n in node.get_from_names()) == module
        ):
            for original, alias in node._as_name_tuples():
                if original.value == name:
                    return (alias or original).value
    return None


def import_edits(ctx: FileContext, module: str, name: str) -> tuple[Edit, ...]:
    """Edits importing `name` from `module`: added to an existing `from module import`
    at module level, else on a new line after the module's leading imports."""
    if names_from(ctx, module, name) == name:
        return ()
    for node in ctx.tree.iter_imports():
        if (
            node.type == "import_from"
            and not node.level
            and search_ancestor(node, "funcdef", "classdef", "if_stmt", "try_stmt")
            is None
            and ".".join(n.value for n in node.get_from_names()) == module
        ):
            names = node.get_defined_names()
            if names and node.children[-1] != "*":
                last = names[-1]
                anchor = last.parent if last.parent.type == "import_as_name" else last
                return (insert_after(anchor, f", {name}"),)
    line = 0
    for child in ctx.tree.children:
        first = child.children[0] if child.type == "simple_stmt" else child
        is_docstring = first.type == "string" and line == 0
        if not (is_docstring or first.type in ("import_from", "import_name")):
            break
        end_line, end_column = child.end_pos
        line = end_line - 1 if end_column == 0 else end_line
    return (insert_at(line, 0, f"from {module} import {name}\n"),)
