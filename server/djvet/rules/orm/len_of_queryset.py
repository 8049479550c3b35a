"""
## What it does
Flags `len()` of a queryset whose rows nothing else reads: an inline chain
(`len(Book.objects.filter(...))`) or a local variable that is only counted.
Existence tests (`len(qs) > 0`, `if len(qs):`) are DJV120's.

A queryset variable that the function also iterates, indexes or passes on is left
alone: there `len()` fills the result cache the rest reuses, as the Django docs
recommend.

## Why is this bad?
`len()` evaluates the queryset: every row is fetched and turned into a model instance
only to be counted. `count()` runs `SELECT COUNT(*)` in the database.

## Example
```python
from library.models import Book


def stats():
    return {"published": len(Book.objects.filter(is_published=True))}
```

## Use instead
```python
from library.models import Book


def stats():
    return {"published": Book.objects.filter(is_published=True).count()}
```

## Fix safety
Safe: nothing else reads the rows `len()` loaded, so `count()` returns the same number
with one cheap query.

## References
- Django docs: QuerySet.count() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#count)
- Django docs: Database access optimization (https://docs.djangoproject.com/en/stable/topics/db/optimization/#don-t-overuse-count-and-exists)
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.querysets import Evaluator
from djvet.rules.orm._evaluation import (
    bind_loops,
    call_of,
    existence_test,
    fresh_queryset,
)

RULE = Rule(
    code="DJV119",
    name="len-of-queryset",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="`len()` loads every row of the queryset to count them; use `.count()`",
    fix_title="Use `.count()`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on_module
def check_len(ctx: FileContext) -> Iterator[Diagnostic]:
    if "len(" not in ctx.text:
        return
    evaluator: Evaluator | None = None
    for node in iter_nodes(ctx.tree, {"atom_expr", "power"}):
        argument = call_of(node, "len")
        if (
            argument is None
            or existence_test(node) is not None
            or existence_test(node.parent) is not None
        ):
            continue  # `if len(qs):`, `len(qs) > 0`: an existence test (DJV120)
        evaluator = evaluator or bind_loops(
            Evaluator(ctx.project, ctx.path, ctx.tree), ctx.tree
        )
        if fresh_queryset(evaluator, argument) is None:
            continue
        text = f"{argument.get_code(include_prefix=False)}.count()"
        yield RULE.diagnostic(
            ctx, node, fix=Fix.safe(RULE.fix_title, Edit(Span.of(node), text))
        )
