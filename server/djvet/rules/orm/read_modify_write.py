"""
## What it does
Flags a numeric field changed in Python and saved back — `obj.views += 1` (or
`obj.views = obj.views + 1`) followed by `obj.save()` or
`obj.save(update_fields=["views"])` — on a model instance outside a loop (loops are
DJV116's).

## Why is this bad?
Two requests that read the row at the same time both write `views + 1`: one update
is lost. An `F()` expression makes the database do the arithmetic on the current
value, in one `UPDATE`, without the race.

## Example
<!-- docs-example: skip (the shared docs project has no numeric field; see the fixtures) -->
```python
from library.models import Chapter


def renumber(pk):
    chapter = Chapter.objects.get(pk=pk)
    chapter.number += 1
    chapter.save()
```

## Use instead
```python
from django.db.models import F

from library.models import Chapter


def renumber(pk):
    chapter = Chapter.objects.get(pk=pk)
    Chapter.objects.filter(pk=chapter.pk).update(number=F("number") + 1)
```

## Fix safety
Unsafe: `update()` does not call the model's `save()`, sends no `pre_save` /
`post_save` signals, does not refresh `auto_now` fields, and leaves the old value in
the instance (call `refresh_from_db()` if you read it again). The fix is offered only
when the instance is not used after the save and nothing else was changed on it.

## References
- Django docs: F() expressions (https://docs.djangoproject.com/en/stable/ref/models/expressions/#f-expressions)
- Django docs: Avoiding race conditions using F() (https://docs.djangoproject.com/en/stable/ref/models/expressions/#avoiding-race-conditions-using-f)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import ModelInfo, model_graph
from djvet.project.querysets import Evaluator, Instance, SelfOf
from djvet.rules.orm._rows import (
    NUMERIC,
    f_expression,
    following_statements,
    manager_for,
    mentions,
    model_name_in_scope,
    save_fields,
    statement_of,
    uses_after,
)

RULE = Rule(
    code="DJV114",
    name="read-modify-write",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Read-modify-write of a field loses concurrent updates; update it with `F()`",
    fix_title="Update the row with an `F()` expression",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on("expr_stmt")
def check_update(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    change = _change(node)
    if change is None:
        return
    owner, field, operator, amount = change
    model = _model_of(ctx, owner)
    info = model.fields.get(field) if model is not None else None
    if info is None or info.kind != "field" or info.field_class not in NUMERIC:
        return
    save = _save_after(node, owner.value, field)
    if save is None:
        return
    message = f"`{owner.value}.{field}` is changed in Python and saved: concurrent updates are lost; use `F()`"
    yield RULE.diagnostic(
        ctx,
        node,
        message=message,
        fix=_fix(ctx, model, owner.value, field, operator, amount, node, save),
    )


def _other_changes(node: Any, owner: str) -> bool:
    """Whether the function sets another attribute of `owner` (`x.a = ...` besides this)."""
    function = node
    while function.parent is not None and function.type not in (
        "funcdef",
        "file_input",
    ):
        function = function.parent
    for statement in iter_nodes(function, {"expr_stmt"}):
        target = statement.children[0]
        if (
            statement is not node
            and target.type in ("atom_expr", "power")
            and target.children[0].type == "name"
            and target.children[0].value == owner
            and statement.children[1].type == "operator"
            and statement.children[1].value != "=="
        ):
            return True
    return False


def _model_of(ctx: FileContext, owner: Any) -> ModelInfo | None:
    """The model of an instance outside a queryset loop, or of `self` in a model method."""
    graph = model_graph(ctx.project)
    value = Evaluator(ctx.project, ctx.path, ctx.tree).value(owner)
    if isinstance(value, Instance) and value.loop is None:
        return graph.get(value.model)
    if isinstance(value, SelfOf):
        return next(
            (
                m
                for m in graph.models_in(ctx.path)
                if m.name == value.classdef.name.value
            ),
            None,
        )
    return None


def _change(node: Any) -> tuple[Any, str, str, Any] | None:
    """(instance name, field, "+" or "-", amount) of `x.f += n` or `x.f = x.f + n`."""
    children = node.children
    if len(children) != 3:
        return None
    target, operator, value = children
    if (
        target.type not in ("atom_expr", "power")
        or len(target.children) != 2
        or target.children[0].type != "name"
    ):
        return None
    trailer = target.children[1]
    if trailer.children[0] != ".":
        return None
    owner, field = target.children[0], trailer.children[1].value
    if operator.value in ("+=", "-="):
        amount, sign = value, operator.value[0]
    elif (
        operator.value == "="
        and value.type == "arith_expr"
        and len(value.children) == 3
        and value.children[1].value in ("+", "-")
        and value.children[0].get_code(include_prefix=False) == f"{owner.value}.{field}"
    ):
        amount, sign = value.children[2], value.children[1].value
    else:
        return None
    if mentions(amount, owner.value):
        return None  # `x.total += x.price`: the amount depends on the instance
    return owner, field, sign, amount


def _save_after(node: Any, owner: str, field: str) -> Any | None:
    """The `owner.save()` statement after the change in the same block, provided the
    statements in between leave `owner` alone."""
    for statement in following_statements(statement_of(node)):
        fields = save_fields(statement, owner)
        if fields is not None:
            return statement if fields in ((), (field,)) else None
        if mentions(statement, owner):
            return None
    return None


def _fix(
    ctx: FileContext,
    model: Any,
    owner: str,
    field: str,
    operator: str,
    amount: Any,
    node: Any,
    save: Any,
) -> Fix | None:
    if uses_after(save, owner):
        return None  # the instance would hold a stale value
    if save_fields(save, owner) == () and _other_changes(node, owner):
        return None  # `save()` also wrote fields changed earlier; `update()` would not
    name = (
        "type(self)"
        if owner == "self" and model.abstract
        else model_name_in_scope(ctx, model)
    )
    expression, import_edit = f_expression(ctx, field)
    if name is None or expression is None:
        return None
    manager = "_base_manager" if model.abstract else manager_for(model)
    update = (
        f"{name}.{manager}.filter(pk={owner}.pk).update("
        f"{field}={expression} {operator} {amount.get_code(include_prefix=False)})"
    )
    edits = [
        Edit(Span.of(node), update),
        Edit(Span(save.start_pos[0] - 1, 0, save.end_pos[0] - 1, 0), ""),
    ]
    if import_edit is not None:
        edits.append(import_edit)
    return Fix.unsafe(RULE.fix_title, *edits)
