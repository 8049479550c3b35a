"""
## What it does
Flags a model member that comes after a member Django's coding style puts after it.
The order is: fields, managers, `class Meta`, `__str__` (and other dunder methods),
`save()`, `get_absolute_url()`, then any other methods and properties. The first
member of each out-of-place run of one kind is reported, naming what it should precede.

Other class attributes (choices constants, nested enums, docstrings) have no place in
the order and are ignored. Fields and managers are told apart by the model graph
(`objects = models.Manager()` is a manager, `tracker = FieldTracker()` neither).

## Why is this bad?
A model read top to bottom should show its data first, then how it is queried,
configured and displayed, then its behaviour. A fixed order makes every model of a
project read the same way.

## Example
```python
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)

    def __str__(self):
        return self.title

    class Meta:
        ordering = ["title"]
```

## Use instead
```python
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title
```

There is no automatic fix: moving members moves their comments and blank lines, and
the right place for a helper is the author's call.

## Peers
ruff `DJ012` (django-unordered-body-content-in-model) uses the same order and flags
the same members (the first of a run of members of one kind). djvet differs on purpose in two places: a manager other than
`objects` (`published = PublishedManager()`) has the manager's place (ruff ignores
it), and `objects = models.Manager()` is a manager, not a field (ruff ranks it with
the fields, so `objects` before a field is flagged by ruff, not by djvet — Django's
style puts managers after fields either way, and djvet flags a field after a manager).

## References
- Django coding style: Model style
  https://docs.djangoproject.com/en/dev/internals/contributing/writing-code/coding-style/#model-style
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import assignment_pairs, call_parts
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._models import ModelClass, model_classes

RULE = Rule(
    code="DJV310",
    name="model-member-order",
    family=Family.STRUCTURE,
    severity=Severity.HINT,
    fix=FixAvailability.NEVER,
    message="Model members out of Django's order",
    excludes=FileRole.MIGRATIONS,
)

FIELD, MANAGER, META, DUNDER, SAVE, URL, METHOD = range(7)
# What the member is, and what a group of members of its kind is called.
_MEMBER = {
    FIELD: "Field `{}`",
    MANAGER: "Manager `{}`",
    META: "`class Meta`",
    DUNDER: "`{}`",
    SAVE: "`save()`",
    URL: "`get_absolute_url()`",
    METHOD: "Method `{}`",
}
_GROUP = {
    FIELD: "the fields",
    MANAGER: "the managers",
    META: "`class Meta`",
    DUNDER: "the dunder methods",
    SAVE: "`save()`",
    URL: "`get_absolute_url()`",
    METHOD: "the custom methods",
}
_FIELD_SUFFIXES = (
    "Field",
    "ForeignKey",
    "ManyToManyField",
    "GenericRelation",
    "TaggableManager",
)


@RULE.on_module
def check_member_order(ctx: FileContext) -> Iterator[Diagnostic]:
    for model in model_classes(ctx):
        highest: int | None = None
        previous: int | None = None
        for statement in model.body():
            found = _kind(model, statement)
            if found is None:
                continue
            kind, name = found
            if kind == previous:
                continue  # one finding per out-of-place run of members, as ruff does
            previous = kind
            if highest is not None and kind < highest:
                member = _MEMBER[kind].format(name.value)
                yield RULE.diagnostic(
                    ctx, name, message=f"{member} should come before {_GROUP[highest]}"
                )
            else:
                highest = kind


def _kind(model: ModelClass, statement: Any) -> tuple[int, Any] | None:
    """The member's place in the order and its name leaf, or None for other members."""
    if statement.type == "decorated":
        statement = statement.children[-1]
    if statement.type == "async_stmt":
        statement = statement.children[-1]
    if statement.type == "classdef":
        return (META, statement.name) if statement.name.value == "Meta" else None
    if statement.type == "funcdef":
        name = statement.name.value
        if name.startswith("__") and name.endswith("__"):
            return DUNDER, statement.name
        return {"save": SAVE, "get_absolute_url": URL}.get(name, METHOD), statement.name
    if statement.type == "expr_stmt":
        for target, value in assignment_pairs(statement):
            kind = _attribute_kind(model, target.value, value)
            if kind is not None:
                return kind, target
    return None


def _attribute_kind(model: ModelClass, name: str, value: Any) -> int | None:
    field = model.info.fields.get(name)
    if (
        field is not None
        and not field.reverse
        and field.span is not None
        and field.path == model.info.path
    ):
        return FIELD
    manager = model.info.managers.get(name)
    if manager is not None and (manager.span is not None or name == "objects"):
        return MANAGER
    parts = call_parts(value)
    if parts is not None and parts[0].rsplit(".", 1)[-1].endswith(_FIELD_SUFFIXES):
        return FIELD  # a field the graph does not list (an unreadable custom class)
    return None
