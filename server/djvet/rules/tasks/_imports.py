"""Reading and adding imports of a module (for fixes that need a new name)."""

from __future__ import annotations

import sys
from typing import Any

from djvet.core.edits import insert_after, insert_at
from djvet.core.model import Edit


def add_import(tree: Any, module: str, name: str, path: str | None = None) -> Edit:
    """`from module import name`: appended to an existing one-line import of `module`,
    else a new line: standard-library imports before the first import (isort's order),
    others after the module's leading imports."""
    existing = _extend_import(tree, module, name, path)
    if existing is not None:
        return existing
    statement = f"from {module} import {name}"
    if module.split(".")[0] in sys.stdlib_module_names:
        first = _first_import(tree)
        if first is not None:
            following = _top_module(first)
            gap = "" if following in sys.stdlib_module_names else "\n"
            return insert_at(
                first.start_pos[0] - 1, 0, f"{statement}\n{gap}", path=path
            )
    if module.split(".")[0] == "django":
        last = _last_import_of(tree, "django")
        if last is not None:
            return insert_at(last.end_pos[0] - 1, 0, statement + "\n", path=path)
    return _new_import(tree, statement, path)


def _last_import_of(tree: Any, top: str) -> Any | None:
    """The last leading top-level import of package `top` (where a sibling goes)."""
    found = None
    for child in tree.children:
        if child.type == "simple_stmt" and child.children[0].type in (
            "import_name",
            "import_from",
        ):
            if _top_module(child) == top:
                found = child
        elif child.type != "newline" and not (
            child.type == "simple_stmt" and child.children[0].type == "string"
        ):
            break
    return found


def _first_import(tree: Any) -> Any | None:
    for child in tree.children:
        if child.type == "simple_stmt" and child.children[0].type in (
            "import_name",
            "import_from",
        ):
            if _top_module(child) != "__future__":
                return child
        elif child.type not in ("newline",) and not (
            child.type == "simple_stmt" and child.children[0].type == "string"
        ):
            return None
    return None


def _top_module(statement: Any) -> str:
    node = statement.children[0]
    if node.type == "import_from":
        if node.level:
            return ""
        return node.get_from_names()[0].value
    paths = node.get_paths()
    return paths[0][0].value if paths else ""


def add_import_statement(tree: Any, statement: str, path: str | None = None) -> Edit:
    return _new_import(tree, statement, path)


def module_names(tree: Any) -> set[str]:
    """Names bound at module level (imports, assignments, defs, classes)."""
    names = set()
    for name, leaves in tree.get_used_names().items():
        for leaf in leaves:
            if leaf.is_definition() and _module_level(leaf):
                names.add(name)
                break
    return names


def _module_level(leaf: Any) -> bool:
    node = leaf.parent
    if node.type in ("funcdef", "classdef") and node.name is leaf:
        node = node.parent
    while node is not None:
        if node.type in ("funcdef", "classdef", "lambdef"):
            return False
        if node.type == "file_input":
            return True
        node = node.parent
    return False


def _extend_import(tree: Any, module: str, name: str, path: str | None) -> Edit | None:
    """`, Name` appended to an existing one-line `from module import A`."""
    for node in tree.iter_imports():
        if (
            node.type != "import_from"
            or node.children[-1] == ")"
            or node.is_star_import()
        ):
            continue
        source = "." * node.level + ".".join(n.value for n in node.get_from_names())
        if source == module and node.parent.parent.type == "file_input":
            return insert_after(node.children[-1], f", {name}", path=path)
    return None


def _new_import(tree: Any, statement: str, path: str | None) -> Edit:
    """Insert an import after the module's leading imports (or its docstring)."""
    line = 0
    for child in tree.children:
        is_simple = child.type == "simple_stmt"
        first = child.children[0].type if is_simple else None
        if first in ("import_name", "import_from") or (first == "string" and line == 0):
            line = child.end_pos[0] - 1
        elif child.type != "newline" and line:
            break
    return insert_at(line, 0, statement + "\n", path=path)
