"""How a module writes its code, so a fix fits in: quotes, names in scope, imports."""

from __future__ import annotations

import functools
import re
from typing import Any

from djvet.core.edits import insert_at
from djvet.core.model import Edit

_SINGLE = re.compile(r"(?<![\w\"'])'[A-Za-z_][\w-]*'")
_DOUBLE = re.compile(r'(?<![\w"\'])"[A-Za-z_][\w-]*"')


@functools.lru_cache(maxsize=8)  # every fix of a module asks; a long module takes ms
def quote(text: str) -> str:
    """The quote character the module mostly uses for short identifiers."""
    return "'" if len(_SINGLE.findall(text)) > len(_DOUBLE.findall(text)) else '"'


def quoted(names: list[str] | tuple[str, ...], text: str) -> str:
    mark = quote(text)
    return ", ".join(f"{mark}{name}{mark}" for name in names)


def bound_at_module(tree: Any, name: str) -> bool:
    """Whether a top-level import or definition binds `name`."""
    for node in tree.iter_imports():
        if name in (n.value for n in node.get_defined_names()):
            return True
    return any(
        getattr(child, "name", None) is not None and child.name.value == name
        for child in tree.children
        if child.type in ("classdef", "funcdef")
    )


def imported_from(tree: Any, name: str) -> str | None:
    """The module a top-level `from X import name` takes `name` from."""
    for node in tree.iter_imports():
        if node.type == "import_from" and name in (
            n.value for n in node.get_defined_names()
        ):
            return ".".join(n.value for n in node.get_from_names())
    return None


def import_edit(tree: Any, module: str, name: str) -> Edit | None:
    """`from module import name` after the last top-level import from the same package
    (`django...`), else after the last import (or the docstring); None when `name` is
    already bound."""
    if bound_at_module(tree, name):
        return None
    root = module.split(".")[0]
    line = same_package = 0
    for child in tree.children:
        first = child.children[0] if child.type == "simple_stmt" else None
        kind = first.type if first is not None else None
        if kind in ("import_from", "import_name") or (kind == "string" and line == 0):
            # the 0-based line after the statement (its end is past its newline)
            line = child.end_pos[0] - 1 if child.end_pos[1] == 0 else child.end_pos[0]
            if kind in ("import_from", "import_name") and _imports_from(first, root):
                same_package = line
        elif child.type not in ("newline", "endmarker") and line:
            break
    return insert_at(same_package or line, 0, f"from {module} import {name}\n")


def _imports_from(statement: Any, root: str) -> bool:
    if statement.type == "import_from":
        return not statement.level and statement.get_from_names()[0].value == root
    return any(path[0].value == root for path in statement.get_paths())
