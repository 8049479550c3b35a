"""
## What it does
Flags a `for` loop over a whole queryset in code that works through tables in bulk —
management commands, background tasks (`tasks.py`, functions decorated with
`@shared_task`, `@app.task`, `@actor`, `@job`...) and data migrations — when the
queryset is neither sliced nor streamed with `iterator()`. Querysets selected by
keys (`filter(id__in=ids)`, `filter(order_id__in=batch)`) and variables whose rows were already read
(`if not qs: return` before the loop) are left alone.

## Why is this bad?
Iterating a queryset fetches every row and keeps them all in its result cache until
the loop ends: memory grows with the table, and on a large table the job is killed.
`iterator()` streams the rows in chunks (a server-side cursor on PostgreSQL).

## Example
```python
from celery import shared_task

from library.models import Book


@shared_task
def reindex():
    for book in Book.objects.all():
        print(book.title)
```

## Use instead
```python
from celery import shared_task

from library.models import Book


@shared_task
def reindex():
    for book in Book.objects.all().iterator(chunk_size=2000):
        print(book.title)
```

## Fix safety
Unsafe: the rows are not cached, so iterating the same queryset again queries again;
on Django before 4.1 `iterator()` ignores `prefetch_related()` (no fix is offered then).
With `chunk_size`, Django 4.1+ prefetches per chunk.

## References
- Django docs: iterator() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#iterator)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import call_arguments, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.querysets import Evaluator, ModelClass
from djvet.project.versions import django_version
from djvet.rules.orm._evaluation import evaluated_before
from djvet.rules.orm._rows import RowLoop, for_loops

RULE = Rule(
    code="DJV121",
    name="unbounded-iteration",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Looping over a whole queryset loads every row into memory; use `.iterator()`",
    fix_title="Stream the rows with `.iterator(chunk_size=2000)`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS,
)
BULK_ROLES = FileRole.COMMANDS | FileRole.TASKS | FileRole.MIGRATIONS
TASK_DECORATORS = frozenset(
    {
        "task",
        "shared_task",
        "periodic_task",
        "db_task",
        "db_periodic_task",
        "actor",
        "job",
        "background",
    }
)


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    if "for " not in ctx.text:
        return
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    _bind_historical_models(ctx, evaluator)
    for loop in for_loops(ctx, evaluator):
        queryset = loop.queryset
        if (
            queryset is None
            or queryset.evaluated
            or queryset.related_from is not None
            or queryset.raw
        ):
            continue
        code = loop.iterable.get_code(include_prefix=False)
        if (
            ".iterator(" in code
            or "[" in code
            or not _bulk_context(ctx, loop.node)
            or _by_keys(code)
            or (loop.iterable.type == "name" and evaluated_before(loop.iterable))
            or _by_keys(_definition_code(loop.iterable))
        ):
            continue
        yield RULE.diagnostic(ctx, loop.iterable, fix=_fix(ctx, loop))


_KEYS = re.compile(r"\b(\w+_)?(pk|id)(__in)?\s*=")


def _by_keys(code: str) -> bool:
    """`filter(id__in=ids)`, `filter(order_id__in=batch)`: rows of the keys given (a
    batch), not a whole table."""
    return bool(_KEYS.search(code))


def _definition_code(node: Any) -> str:
    if node.type != "name":
        return ""
    return " ".join(
        n.get_definition().get_code()
        for n in node.get_root_node().get_used_names().get(node.value, [])
        if n.is_definition() and n.get_definition() is not None
    )


def _bulk_context(ctx: FileContext, node: Any) -> bool:
    if ctx.roles & BULK_ROLES:
        return True
    function = search_ancestor(node, "funcdef")
    while function is not None:
        decorated = function.parent if function.parent.type == "decorated" else None
        decorators = decorated.children[0] if decorated is not None else None
        for decorator in _decorators(decorators):
            name = (
                decorator.get_code(include_prefix=False)
                .lstrip("@")
                .split("(")[0]
                .strip()
            )
            if name.rsplit(".", 1)[-1] in TASK_DECORATORS:
                return True
        function = search_ancestor(function, "funcdef")
    return False


def _decorators(node: Any) -> list[Any]:
    if node is None:
        return []
    return list(node.children) if node.type == "decorators" else [node]


def _bind_historical_models(ctx: FileContext, evaluator: Evaluator) -> None:
    """`Book = apps.get_model("library", "Book")` in data migrations: the real model."""
    if "get_model(" not in ctx.text:
        return
    graph = model_graph(ctx.project)
    for names in ctx.tree.get_used_names().values():
        for name in names:
            statement = name.get_definition() if name.is_definition() else None
            if (
                statement is None
                or statement.type != "expr_stmt"
                or statement.children[0] is not name
            ):
                continue
            value = statement.children[-1]
            if value.type not in ("atom_expr", "power") or len(value.children) < 2:
                continue
            call = value.children[-1]
            if (
                value.children[-2].type != "trailer"
                or value.children[-2].children[-1].value != "get_model"
                or call.children[0] != "("
                or len(call.children) != 3
            ):
                continue
            arguments = [string_value(a) for a in call_arguments(call.children[1])[0]]
            label = ".".join(a for a in arguments if a) if all(arguments) else None
            model = graph.get(label) if label else None
            if model is not None:
                evaluator.bindings[id(name)] = ModelClass(model.label)


def _fix(ctx: FileContext, loop: RowLoop) -> Fix | None:
    queryset = loop.queryset
    if queryset is None:
        return None
    if queryset.prefetch and django_version(ctx.project).at_least(4, 1) is not True:
        return None  # before 4.1, iterator() drops prefetch_related(): an N+1 instead
    iterable = loop.iterable
    if iterable.type not in ("name", "atom_expr", "power"):
        return None
    # An insertion at the end (not a replacement): another fix appending to the same
    # chain (`.defer(...)`, DJV112) then conflicts and waits for the next pass.
    line, column = iterable.end_pos
    return Fix.unsafe(
        RULE.fix_title, Edit(Span.point(line - 1, column), ".iterator(chunk_size=2000)")
    )
