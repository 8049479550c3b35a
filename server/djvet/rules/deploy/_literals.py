"""Finding literal values in settings source: dict entries, list items, URL credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from djvet.core.parso_utils import code_of, iter_nodes, string_value

# `scheme://user:password@host`: a password in a URL.
URL_PASSWORD = re.compile(r"^[a-z][\w+.-]*://[^/\s:@]*:(?P<password>[^/\s@]+)@", re.I)


def dict_entries(
    node: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """(key path, key node, value node) of every string-keyed entry of a dict literal,
    nested dict literals included (`{"default": {"PASSWORD": "x"}}`)."""
    if (
        node is None
        or node.type != "atom"
        or node.children[0] != "{"
        or len(node.children) != 3
    ):
        return
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return
    children = inner.children
    if any(c.type in ("comp_for", "sync_comp_for") for c in children):
        return
    index = 0
    while index + 2 < len(children):
        if children[index] == "**":
            index += (
                3 if index + 2 < len(children) and children[index + 2] == "," else 2
            )
            continue
        key_node, value_node = children[index], children[index + 2]
        key = string_value(key_node)
        if key is not None:
            yield (*path, key), key_node, value_node
            yield from dict_entries(value_node, (*path, key))
        index += 4


def top_level_statements(tree: Any) -> Iterator[Any]:
    """Module-level small statements, also inside top-level `if`/`try`/`with` blocks."""
    stack = list(reversed(tree.children))
    while stack:
        node = stack.pop()
        if node.type == "simple_stmt":
            yield from (c for c in node.children if c.type != "newline")
        elif node.type in (
            "if_stmt",
            "try_stmt",
            "with_stmt",
            "suite",
            "else_stmt",
            "except_clause",
        ):
            stack.extend(
                reversed(
                    [
                        c
                        for c in node.children
                        if c.type
                        in ("suite", "simple_stmt", "if_stmt", "try_stmt", "with_stmt")
                    ]
                )
            )


def statements_about(tree: Any, name: str) -> Iterator[Any]:
    """Statements that assign, extend or subscript-assign the setting `name`."""
    for statement in top_level_statements(tree):
        code = code_of(statement)
        if re.match(
            rf"{re.escape(name)}\b\s*(\[|\+=|=|\.(append|insert|extend)\()", code
        ):
            yield statement


def string_nodes(node: Any, value: str) -> Iterator[Any]:
    for leaf in iter_nodes(node, {"string"}):
        if string_value(leaf) == value:
            yield leaf
