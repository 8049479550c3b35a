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

from djvet.core.document import parse_python
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
        bases = cls.children[3].get_code() if len(cls.children) > 4 and cls.children[2] == "(" else ""
        if not _BASES.search(bases) or _NOT_WRITING.search(bases):
            continue
        meta = next((c for c in cls.iter_classdefs() if c.name.value == "Meta"), None)
        if meta is None:
            continue
        values = _assignments(meta)
        model = values.get("model")
        if model is None or model.type not in ("name", "atom_expr", "power"):
            continue
        found.append(ModelWriter(path, model.get_code(include_prefix=False).strip(),
                                 _names(values.get("fields")), _names(values.get("exclude")) or [],
                                 _names(values.get("read_only_fields")) or [], set(_assignments(cls))))
    return found


def _assignments(cls: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for statement in getattr(cls.children[-1], "children", []):
        if statement.type == "simple_stmt":
            for name, value in assignment_pairs(statement.children[0]):
                values[name.value] = value
    return values


def _names(node: Any | None) -> list[str] | str | None:
    if node is None:
        return None
    text = string_value(node)
    if text is not None:
        return text
    items = list_items(node)
    if items is None:
        return None
    names = [string_value(item) for item in items]
    return None if None in names else names  # type: ignore[return-value]


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
            _PARSED[key] = _writers_in(path, parse_python(text))
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
        model = graph.resolve(writer.path, tree, writer.model) if tree is not None else None
        if model is not None and model.label == label:
            return True
    return False
