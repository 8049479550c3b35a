"""Calls that block: email, HTTP, sleeping, PDF rendering — by their qualified names.

`qualified(tree, path, node)` spells a call's target through the module's imports:
`mail.send_mail(...)` after `from django.core import mail` is
`django.core.mail.send_mail`; `EmailMessage(...).send()` is
`django.core.mail.EmailMessage().send`; a variable holding `EmailMessage(...)` is
followed to its assignment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from djvet.core.parso_utils import code_of, uses_between
from djvet.project.modules import imported_module

_KINDS = [
    (
        "email",
        re.compile(
            r"^django\.core\.mail\.(send_mail|send_mass_mail|mail_admins|mail_managers)$"
            r"|^django\.core\.mail\.(message\.)?(EmailMessage|EmailMultiAlternatives)\(\)\.send$"
            r"|\.email_user$"
        ),
    ),
    (
        "http",
        re.compile(
            r"^requests\.(get|post|put|patch|delete|head|options|request)$"
            r"|^requests\.(api\.\w+|Session\(\)\.(get|post|put|patch|delete|head|request))$"
            r"|^urllib\.request\.urlopen$|^urllib2\.urlopen$"
            r"|^httpx\.(get|post|put|patch|delete|head|options|request|stream)$"
        ),
    ),
    ("sleep", re.compile(r"^time\.sleep$")),
    (
        "pdf",
        re.compile(
            r"^weasyprint\.HTML\(\)\.write_pdf$|^pdfkit\.from_(string|url|file)$"
            r"|^xhtml2pdf\.pisa\.(CreatePDF|pisaDocument)$"
        ),
    ),
]


@dataclass(frozen=True)
class Blocking:
    kind: str  # email, http, sleep, pdf
    name: str  # how the source spells the call, for messages
    node: Any  # the call's atom_expr


def qualified(tree: Any, path: str, node: Any, depth: int = 0) -> str | None:
    """The qualified target of the call `node` ends with, or None."""
    names = call_targets(tree, path, node, depth)
    last = node.children[-1] if node.type in ("atom_expr", "power") else None
    if not names or last is None or last.type != "trailer" or last.children[0] != "(":
        return None
    return names[-1][0]


def call_targets(
    tree: Any, path: str, node: Any, depth: int = 0
) -> list[tuple[str, int]]:
    """(qualified target, trailer index) of every call along a chain:
    `requests.get(url).json()` -> [("requests.get", 2), ("requests.get().json", 4)]."""
    if (
        depth > 5
        or node.type not in ("atom_expr", "power")
        or node.children[0].type != "name"
    ):
        return []
    children = node.children
    head = _head(tree, path, children[0], depth)
    if head is None:
        return []
    parts, found = [head], []
    for index, trailer in enumerate(children[1:], start=1):
        if trailer.type != "trailer":
            return found
        if trailer.children[0] == ".":
            parts.append("." + trailer.children[1].value)
        elif trailer.children[0] == "(":
            found.append(("".join(parts), index))
            parts.append("()")
        else:
            return found
    return found


def _head(tree: Any, path: str, leaf: Any, depth: int) -> str | None:
    module = imported_module(tree, leaf.value, path)
    if module is not None:
        return module
    value = _assigned_call(leaf)
    if value is not None:
        inner = qualified(tree, path, value, depth + 1)
        return f"{inner}()" if inner else None
    # a local name (`requests = FriendRequest.objects...`) is not the module
    return None


def _assigned_call(leaf: Any) -> Any | None:
    """`msg = EmailMessage(...)` earlier in the same function: the call node."""
    function = leaf.parent
    while function is not None and function.type not in ("funcdef", "file_input"):
        function = function.parent
    if function is None or function.type != "funcdef":
        return None
    best = None
    # The uses of the name strictly inside the function and before `leaf` (a module's
    # uses are in document order): `self` and `request` are used thousands of times in
    # a large view module, and every call chain starting with one asked this.
    for candidate in uses_between(leaf, leaf.value, function.start_pos, leaf.start_pos):
        statement = candidate.get_definition() if candidate.is_definition() else None
        if (
            statement is not None
            and statement.type == "expr_stmt"
            and not statement.start_pos
            <= leaf.start_pos
            < statement.end_pos  # `r = r.json()`
            and statement.children[0] is candidate
            and len(statement.children) == 3
        ):
            best = statement.children[2]
    if (
        best is not None
        and best.type in ("atom_expr", "power")
        and best.children[-1].type == "trailer"
        and best.children[-1].children[0] == "("
    ):
        return best
    return None


def blocking_call(tree: Any, path: str, node: Any) -> Blocking | None:
    """The first blocking call along `node`'s chain (`requests.get(url).json()` too)."""
    for name, index in call_targets(tree, path, node):
        for kind, pattern in _KINDS:
            if pattern.search(name):
                return Blocking(kind, _shown(node, index), node)
    if _method(node) == "email_user":
        return Blocking("email", "email_user()", node)
    return None


def _method(node: Any) -> str | None:
    children = node.children
    if (
        len(children) >= 3
        and children[-2].type == "trailer"
        and children[-2].children[0] == "."
    ):
        return children[-2].children[1].value
    return None


def _shown(node: Any, index: int) -> str:
    """`requests.get()` / `send_mail()` / `write_pdf()`: the callee as written, short."""
    children = node.children[:index]
    text = "".join(code_of(c) for c in children)
    if "(" in text or len(text) > 40:
        last = children[-1]
        text = (
            last.children[1].value if last.type == "trailer" else code_of(children[0])
        )
    return f"{text}()"


def direct_calls(function: Any) -> list[Any]:
    """Calls in `function`'s own body (not in nested functions, lambdas or classes)."""
    found = []
    stack = (
        list(function.children[-1].children)
        if function.children[-1].type == "suite"
        else [function.children[-1]]
    )
    while stack:
        node = stack.pop()
        if node.type in (
            "funcdef",
            "lambdef",
            "classdef",
            "async_stmt",
            "async_funcdef",
            "decorated",
        ):
            if node.type == "async_stmt" and node.children[1].type != "funcdef":
                stack.extend(node.children)
            continue
        if node.type in ("atom_expr", "power"):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return sorted(found, key=lambda n: n.start_pos)


def blocking_in(tree: Any, path: str, function: Any) -> Blocking | None:
    """The first blocking call `function` makes directly."""
    for node in direct_calls(function):
        found = blocking_call(tree, path, node)
        if found is not None:
            return found
    return None
