"""
## What it does
Flags a foreign-key or one-to-one relation (`book.author`, `book.author.publisher`,
`user.profile`) read on the variable of a loop or comprehension over a queryset that
does not load it with `select_related`.

Relations read through model methods, properties, `__str__` and helper functions
called with the loop variable are found too, and reported at the call in the loop.
Reading `book.author_id` is free and never flagged; `select_related()` without
arguments covers non-null foreign keys only.

## Why is this bad?
Each iteration runs one more `SELECT` to fetch the related row: 1 query for the
books, then N for their authors (the "N+1 queries" problem). It is invisible in
development with ten rows and takes pages down in production with ten thousand.
`select_related` fetches the related rows in the same query with a SQL join.

## Example
```python
from library.models import Book


def titles_and_authors():
    return [(book.title, book.author.name) for book in Book.objects.all()]
```

## Use instead
```python
from library.models import Book


def titles_and_authors():
    return [(book.title, book.author.name) for book in Book.objects.select_related("author")]
```

## Fix safety
Safe when the queryset is built in the same function as the loop: `select_related`
changes how rows are fetched, not which rows. When the queryset is built elsewhere
(another function, a class attribute, another module), the fix is unsafe because every
other user of that queryset gets the join too. No fix is offered when the queryset
comes from a parameter or a library.

## References
- Django docs: QuerySet.select_related()
- Guide §1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.nplusone import DEFERRED, SELECT, Access
from djvet.project.querysets import QuerySetValue
from djvet.rules.orm._n1 import diagnostics, model_name, nested, via, where

RULE = Rule(
    code="DJV101",
    name="fk-access-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Relation read in a loop without `select_related` runs one query per row",
    fix_title="Add `select_related(...)` to the queryset",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


def _message(ctx: FileContext, access: Access, queryset: QuerySetValue) -> str:
    if access.kind == DEFERRED:
        return (
            f"`{access.text}`{via(access)} was deferred by `only()`/`defer()`: reading it runs one "
            f"query per `{model_name(ctx, queryset.model)}` ({where(queryset, ctx)})"
        )
    lookup = "__".join(access.path)
    return (
        f"`{access.text}`{via(access)} queries `{model_name(ctx, access.relation.target)}` once per "
        f"`{model_name(ctx, queryset.model)}`; add `select_related('{lookup}')` ({where(queryset, ctx)})"
    )


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    yield from diagnostics(
        RULE,
        ctx,
        (SELECT, DEFERRED),
        lambda a, q: _message(ctx, a, q),
        keep=lambda a: a.kind == DEFERRED or not nested(ctx, a),
    )
