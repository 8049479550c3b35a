"""
## What it does
Flags `.filter()`, `.exclude()`, `.order_by()`, `.first()`, `.last()`, `.get()`,
`.values()`, `.aggregate()` and similar calls on a related manager inside a loop over a
queryset (`author.books.filter(published=True)`).

## Why is this bad?
These calls build a new query, so they run once per row of the loop, and
`prefetch_related` cannot help: Django's prefetch cache only answers `.all()`,
`.count()` and `.exists()`. Even a prefetched relation is queried again.

## Example
```python
from library.models import Author


def latest_titles():
    return [author.books.order_by("-id").first() for author in Author.objects.all()]
```

## Use instead
```python
from django.db.models import Prefetch

from library.models import Author, Book


def latest_titles():
    newest = Prefetch("books", queryset=Book.objects.order_by("-id"), to_attr="newest_books")
    authors = Author.objects.prefetch_related(newest)
    return [author.newest_books[0] if author.newest_books else None for author in authors]
```

## Fix safety
No automatic fix: the loop body has to change too (read the `to_attr` list, or an
annotation such as `annotate(n=Count("books", filter=Q(...)))`, or an `Exists`
subquery). The message says which.

## References
- Django docs: Prefetch objects (to_attr), conditional aggregation
- Guide §1.1, §1.8
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.nplusone import BYPASSED, Access
from djvet.project.querysets import QuerySetValue
from djvet.rules.orm._n1 import missing, model_name, related, via, where

RULE = Rule(
    code="DJV104",
    name="relation-query-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.NEVER,
    message="A query on a relation inside a loop runs once per row; prefetching cannot serve it",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)

_ADVICE = {
    "count": "annotate(n=Count(...))",
    "exists": "annotate(has=Exists(...))",
    "aggregate": "annotate(...) on the outer queryset",
    "values": "Prefetch(..., to_attr=...)",
}


def _message(ctx: FileContext, access: Access, queryset: QuerySetValue) -> str:
    advice = _ADVICE.get(
        access.method or "", "Prefetch(..., queryset=..., to_attr=...)"
    )
    return (
        f"`{access.text}()`{via(access)} queries `{model_name(ctx, access.relation.target)}` "
        f"once per `{model_name(ctx, queryset.model)}`; use `{advice}` ({where(queryset, ctx)})"
    )


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    for access, queryset in missing(ctx, (BYPASSED,)):
        yield RULE.diagnostic(
            ctx,
            access.span,
            message=_message(ctx, access, queryset),
            related=related(queryset),
        )
