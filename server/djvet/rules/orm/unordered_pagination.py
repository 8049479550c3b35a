"""
## What it does
Flags pagination of a queryset without a defined order: `Paginator(qs, ...)` and
list views with `paginate_by` whose queryset has no `order_by()`, whose model has no
`Meta.ordering`, and (for views) no `ordering` attribute.

## Why is this bad?
Without `ORDER BY` the database may return rows in any order, and a different one for
each page's `LIMIT/OFFSET` query: rows repeat on two pages or never show. Django warns
at run time (`UnorderedObjectListWarning`); djvet tells you before.

## Example
```python
from django.core.paginator import Paginator

from library.models import Chapter


def chapters(number):
    return Paginator(Chapter.objects.filter(title__startswith="A"), 25).page(number)
```

## Use instead
```python
from django.core.paginator import Paginator

from library.models import Chapter


def chapters(number):
    return Paginator(Chapter.objects.filter(title__startswith="A").order_by("pk"), 25).page(number)
```

## Fix safety
Unsafe: the pages now follow the primary key, which may not be the order you want
to show (order by a meaningful column, ending with a unique one).

## References
- Django docs: Pagination (https://docs.djangoproject.com/en/stable/topics/pagination/#required-arguments)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import call_arguments, iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.querysets import Evaluator, QuerySetValue, class_queryset
from djvet.rules.orm._ordering import model_ordering, ordering
from djvet.rules.orm._style import quote

RULE = Rule(
    code="DJV123",
    name="unordered-pagination",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Pagination of an unordered queryset: rows may repeat or be skipped; order it",
    fix_title="Order by the primary key",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on_module
def check_pagination(ctx: FileContext) -> Iterator[Diagnostic]:
    if "Paginator(" not in ctx.text and "paginate_by" not in ctx.text:
        return
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    mark = quote(ctx.text)
    for node in iter_nodes(ctx.tree, {"atom_expr", "power", "classdef"}):
        if node.type == "classdef":
            yield from _list_view(ctx, evaluator, node, mark)
            continue
        argument = _paginated(node)
        if argument is None or argument.type not in ("name", "atom_expr", "power"):
            continue
        value = evaluator.value(argument)
        if (
            isinstance(value, QuerySetValue)
            and not value.evaluated
            and ordering(evaluator, argument) == "unordered"
        ):
            text = f"{argument.get_code(include_prefix=False)}.order_by({mark}pk{mark})"
            yield RULE.diagnostic(
                ctx,
                argument,
                fix=Fix.unsafe(RULE.fix_title, Edit(Span.of(argument), text)),
            )


def _paginated(node: Any) -> Any | None:
    """The object list of `Paginator(object_list, per_page)`."""
    children = node.children
    if (
        len(children) < 2
        or children[0].type != "name"
        or children[0].value != "Paginator"
    ):
        return None
    call = children[1]
    if call.type != "trailer" or call.children[0] != "(" or len(call.children) != 3:
        return None
    positional, keywords = call_arguments(call.children[1])
    return keywords.get("object_list") or (positional[0] if positional else None)


def _list_view(
    ctx: FileContext, evaluator: Evaluator, cls: Any, mark: str
) -> Iterator[Diagnostic]:
    attributes = _attributes(cls)
    paginate = attributes.get("paginate_by")
    if (
        paginate is None
        or paginate.get_code().strip() in ("None", "0")
        or not _django_list_view(cls)
        or any("ordering" in name for name in attributes)
    ):
        return  # not Django's ListView (Wagtail's views order by `default_ordering`)
    if any(
        f.name.value in ("get_queryset", "get_ordering", "paginate_queryset")
        for f in cls.iter_funcdefs()
    ):
        return
    source = attributes.get("queryset") or attributes.get("model")
    queryset = class_queryset(evaluator, cls, 0)
    if source is None or queryset is None:
        return
    if (
        ordering(evaluator, source)
        if "queryset" in attributes
        else model_ordering(evaluator, source)
    ) != "unordered":
        return
    statement = paginate.parent
    line = statement.end_pos[0]
    indent = " " * statement.start_pos[1]
    edit = Edit(Span.point(line, 0), f"{indent}ordering = [{mark}pk{mark}]\n")
    message = "`paginate_by` over an unordered queryset: rows may repeat or be skipped; set `ordering`"
    yield RULE.diagnostic(
        ctx, paginate, message=message, fix=Fix.unsafe('Set `ordering = ["pk"]`', edit)
    )


LIST_VIEWS = frozenset(
    {
        "ListView",
        "BaseListView",
        "MultipleObjectMixin",
        "ArchiveIndexView",
        "YearArchiveView",
        "MonthArchiveView",
        "WeekArchiveView",
        "DayArchiveView",
    }
)


def _django_list_view(cls: Any) -> bool:
    """A direct base is one of Django's generic list views (or their mixin)."""
    arguments = cls.get_super_arglist()
    if arguments is None:
        return False
    names = [
        a.get_code(include_prefix=False)
        for a in (arguments.children if arguments.type == "arglist" else [arguments])
        if a != ","
    ]
    return any(name.rsplit(".", 1)[-1] in LIST_VIEWS for name in names)


def _attributes(cls: Any) -> dict[str, Any]:
    """Class-level `name = value` statements: name -> value node."""
    found = {}
    for child in cls.get_suite().children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            statement = child.children[0]
            if (
                statement.children[0].type == "name"
                and len(statement.children) == 3
                and statement.children[1] == "="
            ):
                found[statement.children[0].value] = statement.children[2]
    return found
