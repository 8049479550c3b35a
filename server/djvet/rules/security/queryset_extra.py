"""
## What it does
Flags calls of `QuerySet.extra()` (on a manager or queryset chain: `Book.objects.extra(...)`,
`queryset.filter(...).extra(...)`, a variable holding one).

## Why is this bad?
`extra()` splices raw SQL fragments into the ORM's query. Django's documentation calls
it an old API that will be deprecated, to be used only as a last resort: its fragments
are easy to build from values (SQL injection, DJV220), break with table aliases and
joins, and tie the query to one database. Every use of it has a replacement:
`annotate()` with expressions or `RawSQL(sql, params)`, `filter()` with `Q`, `F`,
`Exists` or `RawSQL`, `order_by()` with expressions.

## Example
```python
from library.models import Book


def with_lower_title():
    return Book.objects.extra(select={"lower_title": "LOWER(title)"})
```

## Use instead
```python
from django.db.models.functions import Lower

from library.models import Book


def with_lower_title():
    return Book.objects.annotate(lower_title=Lower("title"))
```

## Compared with other checkers
- ruff S610 flags `extra()` only when its `select`, `where` or `tables` arguments are not
  literals, as an injection risk. djvet flags every `extra()`, literal SQL included
  (`legacy-api`); interpolated SQL in it is DJV220's finding. Semgrep
  `avoid-query-set-extra` also flags every call, except a literal `select` dict alone.
- A line already silenced for ruff or bandit (`# noqa: S610`, `# nosec`) is not reported again.

## References
- Django docs: `QuerySet.extra()`:
  https://docs.djangoproject.com/en/stable/ref/models/querysets/#extra
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import call_arguments
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.rules.security._code import peer_suppressed, queryset_chain

RULE = Rule(
    code="DJV221",
    name="queryset-extra",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    message="`QuerySet.extra()` is a legacy raw-SQL API; use `annotate()`, `filter()` or `RawSQL`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.MIGRATIONS,
    requires_text=(".extra", "extra("),  # not `extra_kwargs`
)
_ARGUMENTS = frozenset(
    {"select", "where", "params", "tables", "order_by", "select_params"}
)


@RULE.on("atom_expr", "power")
def check_extra(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    children = node.children
    for index in range(2, len(children)):
        trailer = children[index]
        previous = children[index - 1]
        if not (
            trailer.type == "trailer"
            and trailer.children[0] == "("
            and previous.type == "trailer"
            and previous.children[0] == "."
            and previous.children[1].value == "extra"
        ):
            continue
        positional, keywords = call_arguments(
            trailer.children[1] if len(trailer.children) == 3 else None
        )
        if (
            not (positional or keywords)
            or not set(keywords) <= _ARGUMENTS
            or len(positional) > 6
        ):
            continue
        if queryset_chain(children[: index - 1]) and not peer_suppressed(
            ctx, node, ("S610",)
        ):
            yield RULE.diagnostic(ctx, previous.children[1])
