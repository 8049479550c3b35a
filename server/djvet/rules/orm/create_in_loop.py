"""
## What it does
Flags `Model.objects.create(...)` and `Model(...).save()` (also
`obj = Model(...)` then `obj.save()`) inside a `for` loop. Creations under `try`
(a get-or-create fallback, `IntegrityError` handling) are left alone.

## Why is this bad?
Every iteration is one `INSERT` and one round trip to the database (two with
savepoints); a thousand rows take a thousand queries. `bulk_create()` inserts them in
a few batched queries.

## Example
```python
from library.models import Tag


def import_tags(names):
    for name in names:
        Tag.objects.create(name=name)
```

## Use instead
```python
from library.models import Tag


def import_tags(names):
    Tag.objects.bulk_create([Tag(name=name) for name in names], batch_size=1000)
```

## Fix safety
Unsafe. `bulk_create()` does not call the model's `save()` and sends no `pre_save` /
`post_save` signals; it cannot create multi-table-inheritance children (no fix is
offered for them); on databases other than PostgreSQL, SQLite 3.35+ and MariaDB
10.5+ the objects get no primary key. The fix is offered only when the loop body is
that one creation and its result is not used.

## References
- Django docs: bulk_create() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create)
- Django docs: Create in bulk (https://docs.djangoproject.com/en/stable/topics/db/optimization/#create-in-bulk)
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
from djvet.project.querysets import Evaluator, ModelClass
from djvet.rules.orm._rows import expression_of, for_loops, method_call, uses_after

RULE = Rule(
    code="DJV115",
    name="create-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Rows created one by one in a loop; use `bulk_create()`",
    fix_title="Create the rows with `bulk_create()`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    if "create(" not in ctx.text and ".save(" not in ctx.text:
        return
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    graph = model_graph(ctx.project)
    for loop in for_loops(ctx, evaluator):
        for node in iter_nodes(loop.node.children[5], {"atom_expr", "power"}):
            creation = _creation(evaluator, node) or _saved_new_object(
                evaluator, node, loop.body
            )
            if creation is None or _guarded(node, loop.node):
                continue
            model = graph.get(creation[0])
            fix = _fix(loop, node, creation[1], model) if model is not None else None
            yield RULE.diagnostic(ctx, node, fix=fix)


def _creation(evaluator: Evaluator, node: Any) -> tuple[str, str] | None:
    """(model label, manager source) of `Model.<manager>.create(...)` or
    `Model(...).save()`."""
    children = node.children
    if (
        len(children) < 3
        or children[-1].type != "trailer"
        or children[-1].children[0] != "("
    ):
        return None
    method = children[-2]
    if (
        method.type != "trailer"
        or method.children[0] != "."
        or method.children[1].value not in ("create", "save")
    ):
        return None
    head = evaluator.prefix_value(node, 0)
    if not isinstance(head, ModelClass):
        return None
    name = children[0].get_code(include_prefix=False)
    if (
        method.children[1].value == "create"
        and len(children) == 4
        and children[1].children[0] == "."
    ):
        return head.model, name + children[1].get_code()
    if (
        method.children[1].value == "save"
        and len(children) == 4
        and children[1].children[0] == "("
        and children[-1].get_code(include_prefix=False) == "()"
    ):
        return head.model, f"{name}.objects"
    return None


def _guarded(node: Any, loop: Any) -> bool:
    """Inside `try` in the loop: a get-or-create fallback or `IntegrityError` handling,
    which `bulk_create()` does not replace."""
    parent = node.parent
    while parent is not None and parent is not loop:
        if parent.type == "try_stmt":
            return True
        parent = parent.parent
    return False


def _saved_new_object(
    evaluator: Evaluator, node: Any, body: list[Any]
) -> tuple[str, str] | None:
    """`obj.save()` after `obj = Model(...)` in the same loop body."""
    children = node.children
    if (
        len(children) != 3
        or children[0].type != "name"
        or children[1].children[0] != "."
        or children[1].children[1].value != "save"
        or children[2].get_code() != "()"
    ):
        return None
    for statement in body:
        assignment = expression_of(statement)
        if (
            assignment.type == "expr_stmt"
            and len(assignment.children) == 3
            and assignment.children[1] == "="
            and assignment.children[0].type == "name"
            and assignment.children[0].value == children[0].value
        ):
            value = assignment.children[2]
            if (
                value.type in ("atom_expr", "power")
                and len(value.children) == 2
                and value.children[1].children[0] == "("
            ):
                head = evaluator.prefix_value(value, 0)
                if isinstance(head, ModelClass):
                    return (
                        head.model,
                        f"{value.children[0].get_code(include_prefix=False)}.objects",
                    )
    return None


def _fix(loop: Any, node: Any, manager: str, model: ModelInfo) -> Fix | None:
    """The loop becomes `Model.objects.bulk_create([Model(...) for ... in ...])`
    when its body is just this creation, whose result nobody uses."""
    targets = [n.value for n in iter_nodes(loop.node.children[1], {"name"})]
    if (
        len(loop.node.children) > 6
        or model.parents
        or any(uses_after(loop.node, t) for t in targets)
    ):
        return None  # `for ... else`, multi-table inheritance, the loop variable read later
    if len(loop.body) == 2:
        return _fix_two_statements(loop, node, manager)
    if len(loop.body) != 1 or expression_of(loop.body[0]) is not node:
        return None
    children = node.children
    instance = children[0].get_code(include_prefix=False) + (
        children[-1].get_code()
        if children[-2].children[1].value == "create"
        else children[1].get_code()
    )
    return _bulk(loop, instance, manager)


def _fix_two_statements(loop: Any, node: Any, manager: str) -> Fix | None:
    """`obj = Model(...)` then `obj.save()`."""
    assignment, save = (expression_of(s) for s in loop.body)
    if (
        assignment.type != "expr_stmt"
        or len(assignment.children) != 3
        or assignment.children[1] != "="
        or assignment.children[0].type != "name"
    ):
        return None
    name = assignment.children[0].value
    value = assignment.children[2]
    if (
        method_call(loop.body[1], name, "save") != ""
        or uses_after(loop.node, name)
        or save is not node
    ):
        return None
    return _bulk(loop, value.get_code(include_prefix=False), manager)


def _bulk(loop: Any, instance: str, manager: str) -> Fix:
    header = loop.node
    target = header.children[1].get_code(include_prefix=False)
    iterable = header.children[3].get_code(include_prefix=False)
    indent = " " * header.start_pos[1]
    rows = f"[{instance} for {target} in {iterable}]"
    one_line = f"{manager}.bulk_create({rows}, batch_size=1000)"
    if len(indent) + len(one_line) > 88:
        one_line = (
            f"{manager}.bulk_create(\n{indent}    {rows},\n"
            f"{indent}    batch_size=1000,\n{indent})"
        )
    end_line, end_column = header.end_pos
    end = (end_line - 1, 0) if end_column == 0 else (end_line - 1, end_column)
    newline = "\n" if end_column == 0 else ""
    return Fix.unsafe(
        RULE.fix_title,
        Edit(
            Span(header.start_pos[0] - 1, header.start_pos[1], *end), one_line + newline
        ),
    )
