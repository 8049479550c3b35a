"""
## What it does
Flags `obj.author.id` and `obj.author.pk` on a model instance whose `author` is not
loaded yet (a loop variable of a queryset without `select_related("author")`).

## Why is this bad?
The row already holds the foreign key's value in `author_id`. Reading `author.id`
fetches the whole related row first: one query for nothing, and one per row in a loop.

## Example
```python
from library.models import Book


def author_ids():
    return [book.author.id for book in Book.objects.all()]
```

## Use instead
```python
from library.models import Book


def author_ids():
    return [book.author_id for book in Book.objects.all()]
```

## Fix safety
Safe: `author_id` holds the same value `author.id` would return (Django's `attname`
for the foreign key), for `ForeignKey` and `OneToOneField` alike. The fix keeps
`to_field` foreign keys aside: their `_id` column holds the target field, not the pk.

## References
- Django docs: ForeignKey, "Database representation"
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.nplusone import FK_ID
from djvet.rules.orm._n1 import missing, model_name

RULE = Rule(
    code="DJV109",
    name="fk-object-for-id",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="`.id` of a foreign key fetches the related row; read the `_id` column instead",
    fix_title="Read the foreign key column",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on_module
def check_fk_id(ctx: FileContext) -> Iterator[Diagnostic]:
    for access, queryset in missing(ctx, (FK_ID,)):
        relation = access.relation
        attname = relation.attname or f"{relation.name}_id"
        fix = None
        if access.id_span is not None and "to_field" not in relation.options:
            fix = Fix.safe(
                f"Replace with `.{attname}`", Edit(access.id_span, f".{attname}")
            )
        if access.loop is None:
            message = (
                f"`{access.text}.id` can fetch the related `{model_name(ctx, relation.target)}` to read "
                f"`{attname}`, which the row already has"
            )
        else:
            message = (
                f"`{access.text}.id` fetches the related `{model_name(ctx, relation.target)}` for every "
                f"`{model_name(ctx, queryset.model)}` to read `{attname}`, which the row already has"
            )
        yield RULE.diagnostic(ctx, access.span, message=message, fix=fix)
