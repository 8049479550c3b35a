"""
## What it does
Flags existence tests that load or count every row: `if qs:`, `bool(qs)`,
`if len(qs):`, `len(qs) > 0`, `qs.count() > 0`, `qs.count() == 0` and their kin,
on a queryset.

A test on a queryset variable whose rows the function reads anyway (it is iterated,
indexed or passed on afterwards) is left alone: there `if qs:` fills the result cache
that the loop then reuses, which is what the Django docs recommend.

## Why is this bad?
`if qs:` and `len(qs)` fetch every matching row into memory; `count()` makes the
database count all of them. `exists()` asks for one row (`SELECT 1 ... LIMIT 1`) and
stops at the first match.

## Example
```python
from library.models import Book


def has_drafts():
    if Book.objects.filter(is_published=False):
        return True
    return Book.objects.filter(title="").count() > 0
```

## Use instead
```python
from library.models import Book


def has_drafts():
    if Book.objects.filter(is_published=False).exists():
        return True
    return Book.objects.filter(title="").exists()
```

## Fix safety
Safe: the queryset's rows are read nowhere else, so `exists()` answers the same
question with one cheap query; `count()` and `exists()` both use an already filled
result cache.

## References
- Django docs: QuerySet.exists() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#exists)
- Django docs: Database access optimization (https://docs.djangoproject.com/en/stable/topics/db/optimization/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.querysets import Evaluator, QuerySetValue, RelatedManager
from djvet.rules.orm._evaluation import (
    ExistenceTest,
    bind_loops,
    existence_test,
    fresh_queryset,
)

RULE = Rule(
    code="DJV120",
    name="queryset-truthiness",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="This existence test loads every row; use `.exists()`",
    fix_title="Use `.exists()`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
MESSAGES = {
    "truth": "Testing a queryset's truth loads every row; use `.exists()`",
    "len": "`len()` loads every row to test for any; use `.exists()`",
    "count": "`.count()` counts every row to test for any; use `.exists()`",
}
_TYPES = {"comparison", "atom_expr", "power", "name"}


@RULE.on_module
def check_tests(ctx: FileContext) -> Iterator[Diagnostic]:
    evaluator: Evaluator | None = None
    for node in iter_nodes(ctx.tree, _TYPES):
        test = existence_test(node)
        if test is None:
            continue
        evaluator = evaluator or bind_loops(
            Evaluator(ctx.project, ctx.path, ctx.tree), ctx.tree
        )
        receiver = _receiver(evaluator, test)
        if receiver is not None:
            prefix = "not " if test.negated else ""
            fix = Fix.safe(
                RULE.fix_title, Edit(Span.of(test.node), f"{prefix}{receiver}.exists()")
            )
            yield RULE.diagnostic(ctx, test.node, message=MESSAGES[test.kind], fix=fix)


def _receiver(evaluator: Evaluator, test: ExistenceTest) -> str | None:
    """The source of the queryset the test is about, if `.exists()` can replace it."""
    if test.kind == "count":
        receiver = test.operand.children[:-2]
        value = evaluator.prefix_value(test.operand, len(receiver) - 1)
        if not isinstance(value, (QuerySetValue, RelatedManager)) or getattr(
            value, "raw", False
        ):
            return None
        return _code(receiver)
    if test.operand.type not in ("name", "atom_expr", "power"):
        return None
    if fresh_queryset(evaluator, test.operand) is None:
        return None
    return test.operand.get_code(include_prefix=False)


def _code(children: list[Any]) -> str:
    return children[0].get_code(include_prefix=False) + "".join(
        c.get_code() for c in children[1:]
    )
