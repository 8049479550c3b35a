"""
## What it does
Flags `obj.delete()` in a loop over a queryset.

## Why is this bad?
Each `delete()` collects the object's related rows and deletes them: several queries
per row. `QuerySet.delete()` collects and deletes all of them in a few queries.

## Example
```python
from library.models import Book


def purge_drafts():
    for book in Book.objects.filter(is_published=False):
        book.delete()
```

## Use instead
```python
from library.models import Book


def purge_drafts():
    Book.objects.filter(is_published=False).delete()
```

## Fix safety
Unsafe: `QuerySet.delete()` does not call the model's `delete()` method (it still
sends `pre_delete` / `post_delete` signals and cascades). No fix is offered when the
model overrides `delete()`, when the loop does anything else, or when the queryset is
sliced, distinct or a union (which `delete()` refuses).

## References
- Django docs: QuerySet.delete() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#delete)
- Django docs: Deleting objects (https://docs.djangoproject.com/en/stable/topics/db/queries/#deleting-objects)
"""

from __future__ import annotations

import re
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
    method_call,
    uses_after,
)

RULE = Rule(
    code="DJV117",
    name="delete-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`delete()` in a loop deletes the rows one by one; delete the queryset",
    fix_title="Delete the queryset in one call",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
# QuerySet.delete() raises after these; `values()` rows are dicts without delete().
_REFUSED = re.compile(
    r"\.(distinct|union|intersection|difference|values|values_list|extra|raw)\(|\["
)
_ITERATOR = re.compile(r"\.iterator\([^()]*\)$")


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    if ".delete(" not in ctx.text:
        return
    graph = model_graph(ctx.project)
    for loop in for_loops(ctx):
        if loop.queryset is None or loop.queryset.evaluated or loop.queryset.values:
            continue
        deletes = [
            s
            for s in iter_nodes(loop.node.children[5], {"simple_stmt"})
            if method_call(s, loop.variable, "delete") is not None
        ]
        model = graph.get(loop.queryset.model)
        for statement in deletes:
            fix = _fix(loop, statement, model) if model is not None else None
            yield RULE.diagnostic(ctx, expression_of(statement), fix=fix)


def _fix(loop: RowLoop, statement: Any, model: ModelInfo) -> Fix | None:
    if (
        loop.body != [statement]
        or len(loop.node.children) > 6
        or method_call(statement, loop.variable, "delete")
    ):
        return None  # more than the delete, `for ... else`, `delete(keep_parents=True)`
    if (
        "delete" in model.methods
        or model.partial
        or uses_after(loop.node, loop.variable)
    ):
        return None  # a custom `delete()` would be skipped
    code = _ITERATOR.sub("", loop.iterable.get_code(include_prefix=False))
    if _REFUSED.search(code):
        return None
    end_line, end_column = loop.node.end_pos
    if end_column != 0:
        return None
    span = Span(loop.node.start_pos[0] - 1, loop.node.start_pos[1], end_line - 1, 0)
    return Fix.unsafe(RULE.fix_title, Edit(span, f"{code}.delete()\n"))
