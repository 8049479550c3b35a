"""Python modules of the workspace: dotted names, parsed trees, import resolution.

Trees are cached by content, so analysing a view that calls a helper in another
module parses that module once, not once per call.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from djvet.core.document import on_forget, parse_shared, tree_stamp
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact


def dotted_name(path: str) -> str:
    """Module name from the package structure: walk up while `__init__.py` exists."""
    file = Path(path)
    parts = [] if file.stem == "__init__" else [file.stem]
    folder = file.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


@dataclass
class ModuleMap:
    by_dotted: dict[str, str]
    # Suffix matches, found and missed: each is a pass over every module, and the same
    # imports (`django.db.models`, a project's `utilities.forms`) are resolved again for
    # every class and call that names them.
    _suffixed: dict[str, str | None] = field(default_factory=dict)

    def path_of(self, dotted: str) -> str | None:
        if dotted in self.by_dotted:
            return self.by_dotted[dotted]
        if dotted not in self._suffixed:
            # Source roots differ between projects (src/ layouts): accept a unique
            # suffix match.
            suffix = "." + dotted
            matches = [p for d, p in self.by_dotted.items() if d.endswith(suffix)]
            self._suffixed[dotted] = matches[0] if len(matches) == 1 else None
        return self._suffixed[dotted]


def _build(project: ProjectIndex) -> ModuleMap:
    return ModuleMap({dotted_name(path): path for path in project.python_files()})


register_fact("modules", FileRole.NONE)


def module_map(project: ProjectIndex) -> ModuleMap:
    return project.fact("modules", _build)


def tree_of(project: ProjectIndex, path: str) -> Any | None:
    """The parsed tree of a workspace module (open buffer first), cached by content."""
    text = project.read(path)
    if text is None:
        return None
    return parse_shared(text)


def resolve_relative(current_path: str, level: int, module: str) -> str:
    """The dotted name `from ..x import y` refers to, seen from `current_path`."""
    package = dotted_name(current_path).split(".")
    if not current_path.endswith("__init__.py"):
        package = package[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)]
    return ".".join(p for p in [*package, module] if p)


def imported_symbol(tree: Any, name: str, current_path: str) -> tuple[str, str] | None:
    """Where a top-level name of a module comes from: (dotted module, name there)."""
    return _per_tree("symbols", tree, current_path, _build_symbols).get(name)


def _build_symbols(tree: Any, current_path: str) -> dict[str, tuple[str, str]]:
    symbols: dict[str, tuple[str, str]] = {}
    for node in tree.iter_imports():
        if node.type != "import_from":
            continue
        for original, alias in _from_names(node):
            module = ".".join(n.value for n in node.get_from_names())
            if node.level:
                module = resolve_relative(current_path, node.level, module)
            symbols.setdefault(alias or original, (module, original))  # the first wins
    return symbols


def class_named(
    project: ProjectIndex, path: str, tree: Any, name: str
) -> tuple[str, Any, Any] | None:
    """The workspace class a plain name denotes in a module: defined at its top level or
    imported from another module. (path, tree, classdef) of where it is defined."""
    if "." in name:
        return None
    found = top_level_class(tree, name)
    if found is not None:
        return path, tree, found
    source = imported_symbol(tree, name, path)
    target = module_map(project).path_of(source[0]) if source is not None else None
    other = tree_of(project, target) if target else None
    if source is None or other is None:
        return None
    found = top_level_class(other, source[1])
    return (target, other, found) if found is not None else None


def top_level_class(tree: Any, name: str) -> Any | None:
    """The first top-level `class name` of a module."""
    return _per_tree("classes", tree, "", _build_classes).get(name)


def _build_classes(tree: Any, current_path: str) -> dict[str, Any]:
    classes: dict[str, Any] = {}
    for node in tree.iter_classdefs():
        classes.setdefault(node.name.value, node)
    return classes


def _from_names(node: Any) -> list[tuple[str, str | None]]:
    result = []
    for pair in node._as_name_tuples():
        original, alias = pair
        result.append((original.value, alias.value if alias is not None else None))
    return result


def imported_module(tree: Any, name: str, current_path: str) -> str | None:
    """The module a top-level name is bound to by `import a.b as name` / `from a import b`."""
    return import_table(tree, current_path).get(name)


def import_table(tree: Any, current_path: str) -> dict[str, str]:
    """Every name the module's imports bind, to the dotted module or object it names."""
    return _per_tree("imports", tree, current_path, _build_import_table)


# Tables of a module's top level by tree: rules ask about names of the same module
# thousands of times (every class of a large view module resolves its bases), and each
# question used to walk every import statement or class. Keyed by `tree_stamp`, since an
# open buffer's tree is updated in place; kept for a few dozen trees (an entry holds its
# tree alive, and a models edit makes a new tree per keystroke).
_PER_TREE: OrderedDict[int, tuple[Any, tuple[int, int], dict[tuple[str, str], Any]]] = (
    OrderedDict()
)
_PER_TREE_LOCK = threading.Lock()
_PER_TREE_LIMIT = 48
T = TypeVar("T")


def _forget_trees(texts: set[str], trees: set[int]) -> None:
    with _PER_TREE_LOCK:
        for key in trees & _PER_TREE.keys():
            del _PER_TREE[key]


on_forget(_forget_trees)


def _per_tree(
    kind: str, tree: Any, current_path: str, build: Callable[[Any, str], T]
) -> T:
    stamp = tree_stamp(tree)
    with _PER_TREE_LOCK:
        entry = _PER_TREE.get(id(tree))
        if entry is None or entry[0] is not tree or entry[1] != stamp:
            entry = _PER_TREE[id(tree)] = (tree, stamp, {})
            while len(_PER_TREE) > _PER_TREE_LIMIT:
                _PER_TREE.popitem(last=False)
        else:
            _PER_TREE.move_to_end(id(tree))
        tables = entry[2]
        if (kind, current_path) in tables:
            return tables[(kind, current_path)]
    table = build(tree, current_path)
    with _PER_TREE_LOCK:
        tables[(kind, current_path)] = table
    return table


def _build_import_table(tree: Any, current_path: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for node in tree.iter_imports():
        if node.type == "import_name":
            for dotted, alias in node._dotted_as_names():
                full = ".".join(n.value for n in dotted)
                bound = alias.value if alias is not None else dotted[0].value
                table.setdefault(bound, full if alias is not None else dotted[0].value)
        elif node.type == "import_from":
            for original, alias in _from_names(node):
                module = ".".join(n.value for n in node.get_from_names())
                if node.level:
                    module = resolve_relative(current_path, node.level, module)
                table.setdefault(
                    alias or original, f"{module}.{original}" if module else original
                )
    return table


def in_workspace(project: ProjectIndex, path: str) -> bool:
    root = str(project.root)
    return (
        os.path.abspath(path).startswith(root.rstrip(os.sep) + os.sep)
        and "site-packages" not in path
    )
