"""
## What it does
Flags `exclude = [...]` on a `ModelForm`'s or a DRF `ModelSerializer`'s `Meta` (and on
subclasses of the project's own form or serializer bases).

## Why is this bad?
`exclude` is a deny-list: every field it does not name is editable, including fields
added to the model later. The day someone adds `is_staff` or `approved` to the model, the
form lets users set it. An explicit `fields` list is an allow-list.

## Example
```python
from django import forms

from library.models import Book


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        exclude = ["publisher"]
```

## Use instead
```python
from django import forms

from library.models import Book


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ["title", "is_published", "author", "tags"]
```

## Fix safety
Display-only. When djvet knows every field of the model and `exclude` is a literal list,
the suggestion replaces it with the `fields` list it leaves today — nothing changes
until the model grows.

## Compared with other checkers
- ruff DJ006 and pylint-django W5104 flag `exclude` on a `ModelForm`'s `Meta`; djvet also
  flags model serializers and subclasses of project form bases (`more-classes`).
- A line already silenced for a peer (`# noqa: DJ006`, `# pylint: disable=modelform-uses-exclude`,
  alone on the line above too) is not reported again.

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
from djvet.core.parso_utils import literal_value
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
    code="DJV233",
    name="modelform-exclude",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`exclude` exposes every other model field, new ones included; list `fields`",
    fix_title="List the fields explicitly",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
    requires_text=("exclude",),
)


@RULE.on("classdef")
def check_class(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    form = model_form_class(ctx, node)
    if form is None or form.kind == "view":
        return
    found = attribute(form.holder, "exclude")
    if found is None or peer_suppressed(
        ctx, found[0], ("DJ006", "W5104", "modelform-uses-exclude")
    ):
        return
    statement, _, value = found
    fix = None
    excluded = literal_value(value)
    model = model_of(ctx, form)
    if (
        model is not None
        and isinstance(excluded, (list, tuple))
        and attribute(form.holder, "fields") is None
    ):
        names = explicit_fields(model, form.kind, set(excluded))
        fix = Fix.display_only(
            RULE.fix_title or "",
            replace_node(
                statement, "fields = [" + ", ".join(f'"{n}"' for n in names) + "]"
            ),
        )
    yield RULE.diagnostic(
        ctx,
        statement,
        message=f"`{node.name.value}` uses `exclude`: every other model "
        "field, new ones included, is editable; list `fields`",
        fix=fix,
    )
