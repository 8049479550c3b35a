"""Migration operations as calls: which operation, its arguments, the migration around it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from djvet.core.document import parse_shared
from djvet.core.parso_utils import (
    call_arguments,
    call_parts,
    code_of,
    iter_nodes,
    list_items,
    string_value,
)
from djvet.rules.tasks._blocking import qualified

_PACKAGES = (
    "django.db.migrations.",
    "django.db.migrations.operations.",
    "django.contrib.postgres.operations.",
)


@dataclass(frozen=True)
class Operation:
    name: str  # "RunPython", "AddIndex", ...
    callee: str  # how the source spells it: "migrations.RunPython"
    node: Any  # the call's atom_expr
    positional: list[Any]
    keywords: dict[str, Any]

    def argument(self, index: int, keyword: str) -> Any | None:
        if keyword in self.keywords:
            return self.keywords[keyword]
        return self.positional[index] if index < len(self.positional) else None

    @property
    def call(self) -> Any:
        return self.node.children[-1]


def operation(tree: Any, path: str, node: Any, names: set[str]) -> Operation | None:
    """The migration operation `node` calls, when its name is one of `names`."""
    parts = call_parts(node)
    if parts is None:
        return None
    callee, args = parts
    if callee.rsplit(".", 1)[-1] not in names and "." in callee:
        return None
    target = qualified(tree, path, node)  # also sees `from ... import RunPython as Run`
    if target is None or not target.startswith(_PACKAGES) or "(" in target:
        return None
    name = target.rsplit(".", 1)[-1]
    if name not in names:
        return None
    positional, keywords = call_arguments(args)
    return Operation(name, callee, node, positional, keywords)


def migration_class(tree: Any) -> Any | None:
    """The `class Migration(...)` of a migration module."""
    for cls in tree.iter_classdefs():
        if cls.name.value == "Migration":
            return cls
    return None


def is_initial(tree: Any) -> bool:
    cls = migration_class(tree)
    if cls is None:
        return False
    for statement in iter_nodes(cls, {"expr_stmt"}):
        children = statement.children
        if (
            children[0].type == "name"
            and children[0].value == "initial"
            and code_of(children[-1]) == "True"
        ):
            return True
    return False


def created_models(tree: Any, path: str) -> set[str]:
    """Lower-cased names of the models `CreateModel` creates in this migration."""
    names = set()
    for node in iter_nodes(tree, {"atom_expr", "power"}):
        found = operation(tree, path, node, {"CreateModel"})
        if found is not None:
            value = found.argument(0, "name")
            text = string_value(value) if value is not None else None
            if text:
                names.add(text.lower())
    return names


def model_name_of(found: Operation) -> str | None:
    value = found.argument(0, "model_name")
    text = string_value(value) if value is not None else None
    return text.lower() if text else None


def fresh_tables(tree: Any, path: str, project: Any) -> set[str]:
    """Models created by this migration or by the initial migration of the same app it
    depends on: makemigrations splits circular foreign keys of new apps that way
    (`0001_initial` creates the tables, `0002` adds the keys), and those tables are empty."""
    names = created_models(tree, path)
    cls = migration_class(tree)
    if cls is None:
        return names
    app = os.path.basename(os.path.dirname(os.path.dirname(path)))
    folder = os.path.dirname(path)
    for dependency in iter_nodes(cls, {"atom"}):
        items = list_items(dependency)
        values = [string_value(i) for i in items] if items and len(items) == 2 else []
        if len(values) != 2 or values[0] != app or not values[1]:
            continue
        sibling = os.path.join(folder, f"{values[1]}.py")
        text = project.read(sibling) if os.path.exists(sibling) else None
        if text is None:
            continue
        parsed = parse_shared(text)
        if values[1].startswith("0001") or is_initial(parsed):
            names |= created_models(parsed, sibling)
    return names
