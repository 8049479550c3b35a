"""
## What it does
Flags a foreign key read on the items of a related set inside a loop, when the
prefetch does not load it: `for chapter in book.chapters.all(): chapter.editor`.

## Why is this bad?
`prefetch_related("chapters")` loads the chapters of every book in one query, but each
`chapter.editor` still runs a query of its own: one per chapter of every book. A
`Prefetch` object with `select_related` loads the editors in the same query as the
chapters.

## Example
```python
from library.models import Book


def editors():
    names = []
    for book in Book.objects.prefetch_related("chapters"):
        for chapter in book.chapters.all():
            names.append(chapter.editor.name)
    return names
```

## Use instead
```python
from django.db.models import Prefetch

from library.models import Book, Chapter


def editors():
    names = []
    chapters = Prefetch("chapters", queryset=Chapter.objects.select_related("editor"))
    for book in Book.objects.prefetch_related(chapters):
        for chapter in book.chapters.all():
            names.append(chapter.editor.name)
    return names
```

## Fix safety
Safe when the queryset is built in the same function as the loop, unsafe otherwise.
When the prefetch is a plain string, the fix extends it to `"chapters__editor"`
(one more query, constant); when the relation is not prefetched at all, it adds
`Prefetch("chapters", queryset=Chapter.objects.select_related("editor"))` and the
`Prefetch` import. A string lookup and a `Prefetch` for the same relation would raise
`ValueError`, so an existing `Prefetch` is extended inside its queryset instead.

## References
- Django docs: Prefetch objects
- Guide §1.2
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.nplusone import SELECT, Access
from djvet.project.querysets import QuerySetValue
from djvet.rules.orm._n1 import diagnostics, model_name, nested, via, where

RULE = Rule(
    code="DJV103",
    name="prefetch-missing-select-related",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Items of a related set read a relation that the prefetch does not load",
    fix_title="Load the relation with the prefetch",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


def _message(ctx: FileContext, access: Access, queryset: QuerySetValue) -> str:
    lookup = "__".join(access.path)
    owner = model_name(ctx, queryset.model)
    return (
        f"`{access.text}`{via(access)} queries `{model_name(ctx, access.relation.target)}` once per item "
        f"of every `{owner}`; load `{lookup}` with the prefetch ({where(queryset, ctx)})"
    )


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    yield from diagnostics(
        RULE,
        ctx,
        (SELECT,),
        lambda a, q: _message(ctx, a, q),
        keep=lambda a: nested(ctx, a),
    )
