"""Which model fields users can upload to: the fields a `ModelForm` or DRF
`ModelSerializer` of the project writes (a project fact).

Model field validators run where a form or serializer builds the field from the model
(`ModelForm.full_clean()`, DRF's serializer fields); a view that assigns
`request.FILES[...]` itself, or a form that declares its own field, validates (or not)
elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from djvet.core.document import parse_shared
from djvet.core.parso_utils import assignment_pairs, list_items, string_value
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.models import model_graph
from djvet.project.modules import tree_of

_CANDIDATE = re.compile(r"class\s+Meta\b")
_BASES = re.compile(r"(Form|Serializer)\b")
_NOT_WRITING = re.compile(r"FilterSet|Filter\b|Table\b|Resource\b")


@dataclass
class ModelWriter:
    """A ModelForm / ModelSerializer: its model (as named in its module) and fields."""

    path: str
    model: str
    fields: list[str] | str | None  # a list, "__all__", or None (unreadable)
    exclude: list[str] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)
    declared: set[str] = field(default_factory=set)

    def writes(self, name: str) -> bool:
        if name in self.exclude or name in self.read_only or name in self.declared:
            return False
        if self.fields == "__all__":
            return True
        return self.fields is None or name in self.fields


def _writers_in(path: str, tree: Any) -> list[ModelWriter]:
    found = []
    for cls in tree.iter_classdefs():
        bases = (
            cls.children[3].get_code()
            if len(cls.children) > 4 and cls.children[2] == "("
            else ""
        )
        if not _BASES.search(bases) or _NOT_WRITING.search(bases):
            continue
        meta = next((c for c in cls.iter_classdefs() if c.name.value == "Meta"), None)
        if meta is None:
            continue
        values = _assignments(meta)
        model = values.get("model")
        if model is None or model.type not in ("name", "atom_expr", "power"):
            continue
        found.append(
            ModelWriter(
                path,
                model.get_code(include_prefix=False).strip(),
                _names(values.get("fields"), tree),
                _names(values.get("exclude"), tree) or [],
                _names(values.get("read_only_fields"), tree) or [],
                set(_assignments(cls)),
            )
        )
    return found


def _assignments(cls: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for statement in getattr(cls.children[-1], "children", []):
        if statement.type == "simple_stmt":
            for name, value in assignment_pairs(statement.children[0]):
                values[name.value] = value
    return values


# `fields = {User.USERNAME_FIELD} | standard_fields`: the user model's username or email
# field, never a file, stands for itself.
_USER_FIELD = re.compile(r"\.(USERNAME_FIELD|EMAIL_FIELD)$")
_MAX_DEPTH = 5


def _names(node: Any | None, tree: Any, depth: int = 0) -> list[str] | str | None:
    """The field names a `fields`/`exclude` value lists: a string (`"__all__"`), literals
    of strings, unions of them (`BASE_FIELDS + ("slug",)`, `{...} | {...}`), module
    constants and another form's `Meta.fields` of the same module; None when djvet
    cannot read them (every field then counts as written)."""
    if node is None or depth > _MAX_DEPTH:
        return None
    text = string_value(node)
    if text is not None:
        return text
    if node.type in ("arith_expr", "expr") and all(
        op in ("+", "|") for op in node.children[1::2]
    ):
        parts = [_names(part, tree, depth + 1) for part in node.children[::2]]
        if any(not isinstance(part, list) for part in parts):
            return None
        return [name for part in parts for name in part]  # type: ignore[union-attr]
    if node.type == "name":
        return _names(_module_constant(tree, node.value), tree, depth + 1)
    if node.type in ("atom_expr", "power"):
        return _meta_names(node, tree, depth)
    items = _collection_items(node)
    if items is None:
        return None
    names = []
    for item in items:
        name = string_value(item)
        if name is None and _USER_FIELD.search(
            item.get_code(include_prefix=False).strip()
        ):
            name = item.get_code(include_prefix=False).strip()
        if name is None:
            return None
        names.append(name)
    return names


def _collection_items(node: Any) -> list[Any] | None:
    """Items of a list, tuple or set literal."""
    items = list_items(node)
    if (
        items is not None
        or node.type != "atom"
        or node.children[0] != "{"
        or len(node.children) != 3
    ):
        return items
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return [inner]
    if any(c == ":" or c.type in ("comp_for", "sync_comp_for") for c in inner.children):
        return None
    return [c for c in inner.children if c != ","]


def _module_constant(tree: Any, name: str) -> Any | None:
    found = None
    for statement in tree.children:
        if statement.type == "simple_stmt":
            for target, value in assignment_pairs(statement.children[0]):
                if target.value == name:
                    found = value
    return found


def _meta_names(node: Any, tree: Any, depth: int) -> list[str] | str | None:
    """`OtherForm.Meta.fields` for a form class of the same module."""
    parts = node.get_code(include_prefix=False).strip().split(".")
    if (
        len(parts) != 3
        or parts[1] != "Meta"
        or not all(p.isidentifier() for p in parts)
    ):
        return None
    cls = next((c for c in tree.iter_classdefs() if c.name.value == parts[0]), None)
    meta = (
        next((c for c in cls.iter_classdefs() if c.name.value == "Meta"), None)
        if cls
        else None
    )
    return _names(_assignments(meta).get(parts[2]), tree, depth + 1) if meta else None


_PARSED: dict[tuple[str, int], list[ModelWriter]] = {}


def _build(project: ProjectIndex) -> list[ModelWriter]:
    writers = []
    for path in project.python_files():
        text = project.read(path) or ""
        if not _CANDIDATE.search(text) or not _BASES.search(text):
            continue
        if project.roles(path, text) & (FileRole.TESTS | FileRole.MIGRATIONS):
            continue
        key = (path, hash(text))
        if key not in _PARSED:
            if len(_PARSED) > 5000:
                _PARSED.clear()
            _PARSED[key] = _writers_in(path, parse_shared(text))
        writers.extend(_PARSED[key])
    return writers


register_fact("model-writers", FileRole.PYTHON)


def exposed(project: ProjectIndex, label: str, name: str) -> bool:
    """Whether some ModelForm or ModelSerializer of model `label` writes field `name`."""
    graph = model_graph(project)
    for writer in project.fact("model-writers", _build):
        if not writer.writes(name):
            continue
        tree = tree_of(project, writer.path)
        model = (
            graph.resolve(writer.path, tree, writer.model) if tree is not None else None
        )
        if model is not None and model.label == label:
            return True
    return False
