"""
## What it does
Flags a reverse foreign key or many-to-many relation read in a loop over a queryset
that does not `prefetch_related` it: `author.books.all()`, `publisher.book_set.count()`,
iterating `book.tags.all()`.

Only the calls the prefetch cache can answer (`.all()`, `.count()`, `.exists()`) are
flagged here; `.filter()`, `.first()` and friends bypass the cache and are DJV104.

## Why is this bad?
Every row of the loop runs another query for its related rows. `prefetch_related`
loads the related rows of *all* the loop's rows in one extra query and joins them in
Python, so the loop costs two queries whatever the number of rows.

## Example
```python
from library.models import Author


def book_counts():
    return {author.name: author.books.count() for author in Author.objects.all()}
```

## Use instead
```python
from library.models import Author


def book_counts():
    return {author.name: author.books.count() for author in Author.objects.prefetch_related("books")}
```

## Fix safety
Safe when the queryset is built in the same function as the loop; unsafe when it is
built elsewhere (its other users get the extra query too). For `.count()` alone,
`annotate(Count("books"))` is cheaper still (one query, no rows loaded).

## References
- Django docs: QuerySet.prefetch_related()
- Guide §1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.nplusone import PREFETCH, Access
from djvet.project.querysets import QuerySetValue
from djvet.rules.orm._n1 import diagnostics, model_name, via, where

RULE = Rule(
    code="DJV102",
    name="related-manager-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Related objects read in a loop without `prefetch_related` run one query per row",
    fix_title="Add `prefetch_related(...)` to the queryset",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


def _message(ctx: FileContext, access: Access, queryset: QuerySetValue) -> str:
    lookup = "__".join(access.path)
    return (
        f"`{access.text}()`{via(access)} queries `{model_name(ctx, access.relation.target)}` once per "
        f"`{model_name(ctx, queryset.model)}`; add `prefetch_related('{lookup}')` ({where(queryset, ctx)})"
    )


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    yield from diagnostics(RULE, ctx, (PREFETCH,), lambda a, q: _message(ctx, a, q))
