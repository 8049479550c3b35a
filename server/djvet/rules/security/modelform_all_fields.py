"""
## What it does
Flags `fields = "__all__"` on a `ModelForm`'s or a DRF `ModelSerializer`'s `Meta`, on a
`CreateView` / `UpdateView`, and in `modelform_factory()` / `modelformset_factory()` /
`inlineformset_factory()` calls. Subclasses of the project's own form or serializer
bases count too.

## Why is this bad?
Every field of the model becomes editable by whoever submits the form or the API call,
including fields added to the model later: `is_staff`, `owner`, `price`, `approved`.
An explicit list makes exposing a new field a decision someone reviews.

## Example
```python
from django import forms

from library.models import Book


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = "__all__"
```

## Use instead
```python
from django import forms

from library.models import Book


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ["title", "author", "publisher", "tags"]
```

## Fix safety
Display-only. When djvet knows every field of the model, the suggestion spells out the
list `"__all__"` stands for today (editable fields for forms and views; every forward
field and the primary key for serializers) — applied as is, nothing changes until the
model grows, which is the point. Remove what users must not edit.

## Compared with other checkers
- ruff DJ007 flags `"__all__"` in a `ModelForm`'s `Meta`; djvet also flags model
  serializers, editing views, form factories and subclasses of project form bases
  (`more-classes`).
- A line already silenced for ruff (`# noqa: DJ007`) is not reported again.

## References
- Django docs: Selecting the fields to use:
  https://docs.djangoproject.com/en/stable/topics/forms/modelforms/#selecting-the-fields-to-use
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import call_arguments, code_of, literal_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import peer_suppressed
from djvet.rules.security._forms import (
    attribute,
    explicit_fields,
    model_form_class,
    model_of,
)

RULE = Rule(
    code="DJV232",
    name="modelform-all-fields",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message='`fields = "__all__"` exposes every model field, new ones included; list them',
    fix_title="List the fields explicitly",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
    requires_text=("__all__", "ALL_FIELDS"),
)
_FACTORIES = frozenset(
    {"modelform_factory", "modelformset_factory", "inlineformset_factory"}
)
_WHAT = {"form": "model form", "serializer": "model serializer", "view": "editing view"}


@RULE.on("classdef")
def check_class(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    form = model_form_class(ctx, node)
    if form is None:
        return
    found = attribute(form.holder, "fields")
    if (
        found is None
        or not _all(found[2])
        or peer_suppressed(ctx, found[0], ("DJ007",))
    ):
        return
    statement, _, value = found
    fix = None
    model = model_of(ctx, form)
    if model is not None:
        names = explicit_fields(model, form.kind)
        fix = Fix.display_only(
            RULE.fix_title or "", replace_node(value, _listed(names))
        )
    yield RULE.diagnostic(
        ctx,
        statement,
        message=f"`{node.name.value}` ({_WHAT[form.kind]}) exposes "
        'every model field with `"__all__"`; list the fields',
        fix=fix,
    )


@RULE.on("atom_expr", "power")
def check_factory(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    children = node.children
    if (
        len(children) != 2
        or children[0].type != "name"
        or children[0].value not in _FACTORIES
    ):
        return
    call = children[1]
    _, keywords = call_arguments(call.children[1] if len(call.children) == 3 else None)
    value = keywords.get("fields")
    if value is not None and _all(value):
        yield RULE.diagnostic(
            ctx,
            value.parent,
            message=f'`{children[0].value}(fields="__all__")` '
            "exposes every model field; list the fields",
        )


def _all(value: Any) -> bool:
    return (
        literal_value(value) == "__all__"
        or code_of(value).rsplit(".", 1)[-1] == "ALL_FIELDS"
    )


def _listed(names: list[str]) -> str:
    return "[" + ", ".join(f'"{name}"' for name in names) + "]"
