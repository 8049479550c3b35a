"""
## What it does
Flags a model field that the project filters or orders by — `filter()`, `get()`,
`get_or_create()`, `update_or_create()` (also through `Q(...)` and relations:
`filter(order__status=...)`) or `order_by()` anywhere in the workspace outside tests
and migrations — when no index serves that query. The finding is on the field's
definition and lists where it is queried.

Indexes are `primary_key`, `unique`, `db_index=True`, foreign keys, and the leading
columns of `Meta.indexes`, `Meta.constraints` (`UniqueConstraint`),
`unique_together` and `index_together`: a composite index on `("shop", "status")`
serves `status` only in queries that also filter `shop`. A query that also filters
an indexed column (a foreign key, `pk`, an indexed field) scans no whole table and
does not count. Lookups that a B-tree
index cannot serve (`icontains`, `iexact`, `endswith`, `regex`, `date`) and
`exclude()` do not count, nor do boolean fields (an index on two values rarely
helps). A field with `db_index=False` is a decision djvet respects.

## Why is this bad?
Without an index the database scans the whole table for every such query. It is
fast with a hundred rows in development and slow with a million in production.

## Example
<!-- docs-example: skip (the finding is on models.py; the query lives in another module) -->
```python
from django.db import models


class Order(models.Model):
    status = models.CharField(max_length=20)


def pending():
    return list(Order.objects.filter(status="pending"))
```

## Use instead
```python
from django.db import models


class Order(models.Model):
    status = models.CharField(max_length=20, db_index=True)


def pending():
    return list(Order.objects.filter(status="pending"))
```

## Fix safety
The fix adds `db_index=True`. It is unsafe: the index needs a migration
(`makemigrations`), building it locks or slows writes to a large table (on
PostgreSQL consider `AddIndexConcurrently`), and every index costs on each write.
A composite `Meta.indexes` entry may fit the queries better.

## References
- Django docs: Field.db_index (https://docs.djangoproject.com/en/stable/ref/models/fields/#db-index)
- Django docs: Model index reference (https://docs.djangoproject.com/en/stable/ref/models/indexes/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Related, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.lookups import UNKNOWN_FILTER, Site, lookup_index
from djvet.project.models import FieldInfo, ModelInfo, model_graph
from djvet.rules.orm._indexes import Indexes, model_indexes, option_state

RULE = Rule(
    code="DJV118",
    name="unindexed-lookup-field",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="This field is queried but has no index",
    fix_title="Add `db_index=True` (then run `makemigrations`)",
    applies_to=FileRole.MODELS,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
# Scalar column classes a B-tree index serves; booleans, text blobs, JSON and files not.
INDEXABLE = frozenset(
    {
        "CharField",
        "SlugField",
        "EmailField",
        "URLField",
        "UUIDField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "DecimalField",
        "FloatField",
        "DateField",
        "DateTimeField",
        "TimeField",
        "DurationField",
        "GenericIPAddressField",
    }
)
SEEKING = frozenset(
    {
        "",
        "exact",
        "in",
        "gt",
        "gte",
        "lt",
        "lte",
        "range",
        "isnull",
        "startswith",
        "year",
        "iso_year",
    }
)
METHODS = frozenset(
    {
        "filter",
        "get",
        "get_or_create",
        "update_or_create",
        "aget",
        "aget_or_create",
        "aupdate_or_create",
        "order_by",
    }
)


@RULE.on_module
def check_fields(ctx: FileContext) -> Iterator[Diagnostic]:
    graph = model_graph(ctx.project)
    if not any(
        f.path == ctx.path for m in graph.concrete_models() for f in m.fields.values()
    ):
        return
    index = lookup_index(ctx.project)
    unserved: dict[Span, tuple[FieldInfo, list[Site]]] = {}
    for model in graph.concrete_models():
        if model.partial:
            continue
        indexes = None
        for info in model.fields.values():
            if info.path != ctx.path or info.model != model.label or info.span is None:
                continue
            sites = [s for s in index.sites(model.label, info.name) if _seeks(s)]
            if (
                not sites
                or info.kind != "field"
                or info.field_class not in INDEXABLE
                or option_state(info) != "unindexed"
            ):
                continue
            indexes = indexes or model_indexes(model)
            missing = [
                s
                for s in sites
                if not indexes.serves(info.name, s.together)
                and not _narrowed(model, indexes, s.together - {info.name})
            ]
            if missing:
                unserved.setdefault(info.span, (info, []))[1].extend(missing)
    for span, (info, sites) in sorted(unserved.items()):
        yield from _finding(ctx, span, info, sites)


def _narrowed(model: ModelInfo, indexes: Indexes, names: frozenset[str]) -> bool:
    """Whether the query also filters a column with an index (a foreign key, the
    primary key, an indexed field): then the database does not scan the whole table."""
    if UNKNOWN_FILTER in names:
        return True  # a manager whose get_queryset() may filter on an indexed column
    for name in names:
        info = model.fields.get(name)
        if name == "pk" or any(f.attname == name for f in model.fields.values()):
            return True
        if info is None:
            info = next(
                (
                    f
                    for f in model.fields.values()
                    if f.reverse and f.query_name == name
                ),
                None,
            )
        if info is not None and (
            info.kind != "field"
            or option_state(info) != "unindexed"
            or indexes.serves(name, names)
        ):
            return True
    return False


def _seeks(site: Site) -> bool:
    return site.method in METHODS and site.lookup.split("__")[0] in SEEKING


def _finding(
    ctx: FileContext, span: Span, info: FieldInfo, sites: list[Site]
) -> Iterator[Diagnostic]:
    call = _field_call(ctx, span)
    if call is None or "**" in call.get_code():
        return  # `CharField(**options)` may pass `db_index`
    name = call.parent.children[0] if call.parent.type == "expr_stmt" else call
    sites = sorted(set(sites), key=lambda s: (s.path, s.span))
    first = sites[0]
    where = f"{ctx.config.relative(first.path)}:{first.span.start_line + 1}"
    places = "1 query" if len(sites) == 1 else f"{len(sites)} queries"
    message = f"`{info.name}` is filtered or ordered by in {places} (e.g. {where}) but has no index"
    related = [
        Related(s.path, s.span, f"`{info.name}` queried here ({s.method})")
        for s in sites[:20]
    ]
    yield RULE.diagnostic(ctx, name, message=message, fix=_fix(call), related=related)


def _field_call(ctx: FileContext, span: Span) -> Any:
    leaf = ctx.tree.get_leaf_for_position((span.start_line + 1, span.start_column))
    node = leaf
    while node is not None and node.type not in ("atom_expr", "power"):
        node = node.parent
    if node is None or node.start_pos != (span.start_line + 1, span.start_column):
        return None
    last = node.children[-1]
    return node if last.type == "trailer" and last.children[0] == "(" else None


def _fix(call: Any) -> Fix | None:
    trailer = call.children[-1]
    if len(trailer.children) == 2:
        line, column = trailer.children[0].end_pos
        return Fix.unsafe(
            RULE.fix_title, Edit(Span.point(line - 1, column), "db_index=True")
        )
    arguments = trailer.children[1]
    items = (
        [c for c in arguments.children if c != ","]
        if arguments.type == "arglist"
        else [arguments]
    )
    last = items[-1]
    line, column = last.end_pos
    if trailer.children[-1].start_pos[0] == line:
        text = ", db_index=True"
    else:
        text = f",\n{' ' * last.start_pos[1]}db_index=True"
    return Fix.unsafe(RULE.fix_title, Edit(Span.point(line - 1, column), text))
