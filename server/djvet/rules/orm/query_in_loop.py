"""
## What it does
Flags a query keyed by a loop variable inside a loop or comprehension:
`Author.objects.get(pk=book.author_id)`, `Profile.objects.filter(user=u).first()`,
`Review.objects.filter(book=b).exists()`, or an inner loop over
`Chapter.objects.filter(book=b)`. The loop may iterate anything (ids from a form, a
cart, a queryset); the query's arguments use the loop variable or a value computed
from it in the loop.

Loops over a literal list, tuple, set or `range(<number>)` are not flagged: they run a
fixed, small number of queries. Queries on a relation of the loop variable
(`author.books.filter(...)`) are DJV104; writes (`create()`, `update()`) are not
flagged here.

## Why is this bad?
Every iteration runs one more query, so the number of queries grows with the data.
One query before the loop (`in_bulk()`, a dict or set built once) or a relation loaded
with the loop's queryset (`select_related` / `prefetch_related`) does the same work in
one or two queries.

## Example
```python
from library.models import Author, Book


def author_names():
    names = []
    for book in Book.objects.all():
        author = Author.objects.get(pk=book.author_id)
        names.append(author.name)
    return names
```

## Use instead
```python
from library.models import Author, Book


def author_names():
    authors = Author.objects.in_bulk()
    return [authors[book.author_id].name for book in Book.objects.all()]
```

## Fix safety
No automatic fix: the loop body has to change (read from the dict built before the
loop, or from the relation). The message suggests how.

## References
- Django docs: QuerySet.in_bulk(), select_related(), prefetch_related()
- Guide §1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.querysets import Evaluator
from djvet.rules.orm._loops import Query, keyed_queries

RULE = Rule(
    code="DJV108",
    name="query-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.NEVER,
    message="A query keyed by the loop variable runs once per iteration",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


def _advice(evaluator: Evaluator, query: Query) -> str:
    """The cheapest rewrite: a relation of the loop's rows, else one query up front."""
    relation = query.relation_advice(evaluator.graph)
    if relation is not None:
        return relation
    if query.method in ("exists", "count", "contains"):
        return "build a set (or `Count` annotation) before the loop"
    if query.method in ("get", "first", "last", "latest", "earliest") and query.by_key:
        return "fetch them once with `in_bulk()` before the loop"
    return "fetch the rows once before the loop into a dict"


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    if "objects" not in ctx.text and "_manager" not in ctx.text:
        return
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    for query in keyed_queries(evaluator, ctx.tree):
        text = f"{query.head}.{query.method}()" if query.method else query.head
        message = f"`{text}` runs one query per iteration; {_advice(evaluator, query)}"
        yield RULE.diagnostic(ctx, Span.of(query.node), message=message)
