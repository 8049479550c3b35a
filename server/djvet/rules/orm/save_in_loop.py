"""
## What it does
Flags `obj.save()` in a loop over a queryset whose body sets fields of `obj`
(`obj.price = ...`, `obj.stock -= 1`).

## Why is this bad?
Each `save()` is one `UPDATE` of every column, one round trip per row.
`bulk_update()` writes the changed fields of all rows in a few batched queries.

## Example
```python
from library.models import Book


def unpublish_all():
    for book in Book.objects.filter(is_published=True):
        book.is_published = False
        book.save()
```

## Use instead
```python
from library.models import Book


def unpublish_all():
    books = list(Book.objects.filter(is_published=True))
    for book in books:
        book.is_published = False
    Book.objects.bulk_update(books, ["is_published"], batch_size=1000)
```

## Fix safety
Unsafe. `bulk_update()` does not call the model's `save()`, sends no `pre_save` /
`post_save` signals and does not refresh `auto_now` fields; the rows are written
after the loop rather than during it. The fix is offered when the loop only sets
fields and ends with the `save()` (no `break`, `continue`, `return` or other calls on
the object). A single `update()` is better still when every row gets the same value.

## References
- Django docs: bulk_update() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-update)
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
from djvet.rules.orm._rows import (
    RowLoop,
    expression_of,
    for_loops,
    model_name_in_scope,
    save_fields,
)
from djvet.rules.orm._style import quoted

RULE = Rule(
    code="DJV116",
    name="save-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`save()` in a loop writes the rows one by one; use `bulk_update()`",
    fix_title="Save the rows with `bulk_update()` after the loop",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_FLOW = {"break", "continue", "return", "raise", "yield", "await"}


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    if ".save(" not in ctx.text:
        return
    graph = model_graph(ctx.project)
    for loop in for_loops(ctx):
        if loop.queryset is None or loop.queryset.values:
            continue
        saves = [
            s
            for s in iter_nodes(loop.node.children[5], {"simple_stmt"})
            if save_fields(s, loop.variable) is not None
        ]
        assigned = _assigned(loop)
        if not saves or not assigned:
            continue
        model = graph.get(loop.queryset.model)
        fix = _fix(ctx, loop, model, saves, assigned) if model is not None else None
        for save in saves:
            yield RULE.diagnostic(ctx, expression_of(save), fix=fix)


def _assigned(loop: RowLoop) -> list[str]:
    """Attributes of the loop variable set in the body (`book.price = ...`)."""
    names = []
    for statement in iter_nodes(loop.node.children[5], {"expr_stmt"}):
        target = statement.children[0]
        if (
            target.type in ("atom_expr", "power")
            and len(target.children) == 2
            and target.children[0].type == "name"
            and target.children[0].value == loop.variable
            and target.children[1].children[0] == "."
            and statement.children[1].type == "operator"
        ):
            names.append(target.children[1].children[1].value)
    return list(dict.fromkeys(names))


def _fix(
    ctx: FileContext,
    loop: RowLoop,
    model: ModelInfo,
    saves: list[Any],
    assigned: list[str],
) -> Fix | None:
    save = saves[-1]
    if (
        len(saves) != 1
        or loop.body[-1] is not save
        or len(loop.node.children) > 6
        or not _plain_body(loop)
    ):
        return None
    fields = list(save_fields(save, loop.variable) or assigned)
    if "*" in fields or not all(_writable(model, f) for f in fields):
        return None
    name = model_name_in_scope(ctx, model)
    rows = _rows_name(loop)
    if name is None or rows is None:
        return None
    indent = " " * loop.node.start_pos[1]
    header_line = loop.node.start_pos[0] - 1
    end_line, end_column = loop.node.end_pos
    if end_column != 0:
        return None
    iterable = loop.iterable.get_code(include_prefix=False)
    edits = [
        Edit(Span(save.start_pos[0] - 1, 0, save.end_pos[0] - 1, 0), ""),
        Edit(
            Span.point(end_line - 1, 0),
            f"{indent}{name}.objects.bulk_update({rows}, [{quoted(fields, ctx.text)}], batch_size=1000)\n",
        ),
    ]
    if rows != iterable:
        edits.append(
            Edit(Span.point(header_line, 0), f"{indent}{rows} = list({iterable})\n")
        )
        # Up to the colon: an insertion after the iterable (DJV121's `.iterator()`) then
        # conflicts with this fix instead of landing on the list.
        colon = loop.node.children[4]
        edits.append(Edit(Span.between(loop.iterable, colon), f"{rows}:"))
    return Fix.unsafe(RULE.fix_title, *edits)


def _plain_body(loop: RowLoop) -> bool:
    """No flow that skips saves, and the object is only read and assigned to."""
    for leaf in iter_nodes(loop.node.children[5], {"keyword", "name"}):
        if leaf.type == "keyword" and leaf.value in _FLOW:
            return False
        if leaf.type == "name" and leaf.value == loop.variable:
            following = leaf.get_next_sibling()
            if (
                following is None
                or following.type != "trailer"
                or following.children[0] != "."
            ):
                return False  # passed to a function, returned, rebound...
            after = following.get_next_sibling()
            if (
                after is not None
                and after.type == "trailer"
                and after.children[0] == "("
                and following.children[1].value != "save"
            ):
                return False  # `book.publish()` may save by itself
    return True


def _writable(model: ModelInfo, name: str) -> bool:
    info = model.fields.get(name)
    return (
        info is not None
        and info.kind in ("field", "fk", "o2o")
        and not info.reverse
        and info.options.get("primary_key") is not True
    )


def _rows_name(loop: RowLoop) -> str | None:
    """The loop's own queryset variable, or a fresh name for a list of its rows."""
    iterable = loop.iterable
    if iterable.type == "name":
        # `rows = qs.iterator()` is exhausted by the loop: nothing left to bulk_update.
        definitions = [
            n.get_definition()
            for n in iterable.get_root_node().get_used_names().get(iterable.value, [])
            if n.is_definition()
        ]
        return (
            iterable.value
            if all(
                d is not None and ".iterator(" not in d.get_code() for d in definitions
            )
            else None
        )
    code = iterable.get_code(include_prefix=False)
    if ".iterator(" in code:
        return None  # streamed on purpose: keeping every row for bulk_update defeats it
    function = loop.node.get_root_node()
    used = {leaf.value for leaf in iter_nodes(function, {"name"})}
    for candidate in (f"{loop.variable}s", f"{loop.variable}_rows", "rows"):
        if candidate not in used:
            return candidate
    return None
