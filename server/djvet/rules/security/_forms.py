"""Model forms, model serializers and editing views: which class is one, its `Meta`, its
model and the fields an explicit list would name (DJV232, DJV233)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from djvet.core.context import FileContext
from djvet.core.parso_utils import assignment_pairs, code_of
from djvet.project.models import ModelInfo, model_graph
from djvet.project.modules import class_named

FORM_BASES = frozenset({"ModelForm", "BaseModelForm"})
SERIALIZER_BASES = frozenset({"ModelSerializer", "HyperlinkedModelSerializer"})
VIEW_BASES = frozenset({"CreateView", "UpdateView", "BaseCreateView", "BaseUpdateView"})
_AUTO = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


@dataclass(frozen=True)
class ModelFormClass:
    kind: str  # form, serializer or view
    node: Any  # the classdef
    holder: Any  # the `class Meta` (forms, serializers) or the class itself (views)


def model_form_class(ctx: FileContext, cls: Any) -> ModelFormClass | None:
    kind = _kind(ctx, cls, ctx.path, ctx.tree, 0)
    if kind is None:
        return None
    if kind == "view":
        return ModelFormClass(kind, cls, cls)
    meta = next(
        (c for c in _body(cls) if c.type == "classdef" and c.name.value == "Meta"), None
    )
    return ModelFormClass(kind, cls, meta) if meta is not None else None


def _kind(ctx: FileContext, cls: Any, path: str, tree: Any, depth: int) -> str | None:
    for base in _bases(cls):
        last = base.rsplit(".", 1)[-1]
        if last in FORM_BASES:
            return "form"
        if last in SERIALIZER_BASES:
            return "serializer"
        if last in VIEW_BASES:
            return "view"
        if depth < 3 and "." not in base:
            found = _project_class(ctx, base, path, tree)
            if found is not None:
                kind = _kind(ctx, found[0], found[1], found[2], depth + 1)
                if kind is not None:
                    return kind
    return None


def _bases(cls: Any) -> list[str]:
    children = cls.children
    if len(children) < 4 or children[2] != "(":
        return []
    arglist = children[3]
    items = arglist.children if arglist.type == "arglist" else [arglist]
    return [
        code_of(item)
        for item in items
        if item.type in ("name", "power", "atom_expr", "dotted_name")
    ]


def _project_class(
    ctx: FileContext, name: str, path: str, tree: Any
) -> tuple[Any, str, Any] | None:
    """A class of the workspace: in the same module or imported from another one."""
    found = class_named(ctx.project, path, tree, name)
    return (found[2], found[0], found[1]) if found is not None else None


def _body(cls: Any) -> list[Any]:
    suite = cls.children[-1]
    return suite.children if suite.type == "suite" else [suite]


def attribute(holder: Any, name: str) -> tuple[Any, Any, Any] | None:
    """(statement, name leaf, value) of `name = value` directly in a class body."""
    for child in _body(holder):
        statements = child.children if child.type == "simple_stmt" else [child]
        for statement in statements:
            for target, value in assignment_pairs(statement):
                if target.value == name:
                    return statement, target, value
    return None


def model_of(ctx: FileContext, form: ModelFormClass) -> ModelInfo | None:
    found = attribute(form.holder, "model")
    if found is None or found[2].type != "name":
        return None
    model = model_graph(ctx.project).resolve(ctx.path, ctx.tree, found[2].value)
    return None if model is None or model.presumed else model


def _creation_order(model: ModelInfo, info: Any) -> tuple[int, str, int]:
    """Django lists a form's fields in the order the field objects were created: fields
    of bases in other modules (imported first), then the model's module top to bottom."""
    path = info.path or model.path
    line = info.span.start_line if info.span is not None else -1
    return (0 if path != model.path else 1, path, line)


def explicit_fields(
    model: ModelInfo, kind: str, without: set[str] = frozenset()
) -> list[str]:
    """The fields `"__all__"` stands for: a model form's editable fields, or, for a
    serializer, every forward field with the primary key (read-only ones included)."""
    names = []
    for name, info in sorted(
        model.fields.items(), key=lambda item: _creation_order(model, item[1])
    ):
        if (
            info.reverse
            or info.kind not in ("field", "fk", "o2o", "m2m")
            or info.parent_link
        ):
            continue
        options = info.options
        generated = (
            info.field_class in _AUTO
            or info.auto_created
            or options.get("auto_now") is True
            or options.get("auto_now_add") is True
            or options.get("editable") is False
        )
        if generated and kind != "serializer":
            continue
        if name not in without:
            names.append(name)
    return names
