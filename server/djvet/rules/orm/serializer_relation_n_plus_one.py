"""
## What it does
Flags Django REST framework serializers that read a relation for every object of a
view's queryset that does not load it: nested serializers (`many=True` or not),
dotted `source="publisher.name"`, `StringRelatedField` / `SlugRelatedField` and
`many=True` related fields, `SerializerMethodField` methods and model properties
reading relations of `obj`, and `Meta.depth`.

The finding is reported on the serializer field (once per view that uses it) and on
the view's `queryset` / `get_queryset()`. A primary key or a `pk` hyperlink of a
foreign key needs no query and is never flagged.

## Why is this bad?
A list endpoint serializes every row: each nested object or related manager the
serializer touches is one more query per row. 50 books with a nested author and their
tags are 101 queries instead of 2.

## Example
```python
from rest_framework import generics, serializers

from library.models import Author, Book


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Book
        fields = ["id", "title", "author", "tags"]


class BookList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
```

## Use instead
```python
from rest_framework import generics, serializers

from library.models import Author, Book


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Book
        fields = ["id", "title", "author", "tags"]


class BookList(generics.ListAPIView):
    queryset = Book.objects.select_related("author").prefetch_related("tags")
    serializer_class = BookSerializer
```

## Fix safety
The fix adds `select_related(...)` / `prefetch_related(...)` (or a `Prefetch` with a
`select_related` inside) where the view's queryset is built. It is safe when that is
the view class itself: the same rows are returned. It is unsafe when the queryset is
built elsewhere (a base view, a helper), because every other user gets the joins too.
Queries on a relation that a prefetch cannot serve (`obj.books.filter(...)` in a method
field) are reported without a fix: use an annotation or `Prefetch(..., to_attr=...)`.

## References
- Django REST framework: Serializer relations, ModelSerializer `depth`
- Django docs: QuerySet.select_related(), prefetch_related()
- Guide §1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Related, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.drf import (
    BYPASSED,
    ClassRef,
    Read,
    SerializerReads,
    ViewUse,
    missing_reads,
    serializer_calls,
    serializer_users,
    view_uses,
)
from djvet.project.modules import top_level_class, tree_of
from djvet.project.qsfix import queryset_fix
from djvet.rules.orm._n1 import model_name

RULE = Rule(
    code="DJV106",
    name="serializer-relation-n-plus-one",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="A serializer reads a relation the view's queryset does not load: one query per row",
    fix_title="Load the relations in the view's queryset",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


def _lookups(reads: list[Read]) -> str:
    every = {"__".join(r.path) for r in reads}
    # `author__mentor` loads `author` too: name the longest paths only.
    names = sorted(n for n in every if not any(o.startswith(n + "__") for o in every))
    shown = ", ".join(f"`{n}`" for n in names[:3])
    return shown + (f" (+{len(names) - 3})" if len(names) > 3 else "")


def _fix(ctx: FileContext, use: ViewUse, missing: list[Read]):
    paths = sorted({r.path for r in missing if r.kind != BYPASSED})
    if not paths:
        return None
    return queryset_fix(
        ctx.project, use.queryset, paths, scope=use.scope, own=(ctx.path, ctx.tree)
    )


def _related(use: ViewUse) -> tuple[Related, ...]:
    origin = use.queryset.origin
    if origin is None:
        return ()
    return (
        Related(
            origin.path, Span.of(origin.chain), "the view's queryset is built here"
        ),
    )


def _view_findings(ctx: FileContext, analyzer: SerializerReads) -> Iterator[Diagnostic]:
    uses = [
        use
        for node in ctx.tree.iter_classdefs()
        for use in view_uses(analyzer.classes, ClassRef(ctx.path, node))
    ]
    for use in [*uses, *serializer_calls(analyzer.classes, ctx.path, ctx.tree)]:
        missing = [r for r in missing_reads(analyzer, use) if r.kind != BYPASSED]
        if not missing:
            continue
        model = model_name(ctx, use.queryset.model)
        if use.view is None:
            message = (
                f"`{use.serializer.name}(many=True)` queries {_lookups(missing)} once per `{model}`; "
                f"load them in the queryset"
            )
        else:
            message = (
                f"`{use.serializer.name}` queries {_lookups(missing)} once per `{model}` of "
                f"`{use.view.name}`; load them in its queryset"
            )
        yield RULE.diagnostic(
            ctx,
            use.anchor,
            message=message,
            fix=_fix(ctx, use, missing),
            related=_related(use),
        )


def _serializer_findings(
    ctx: FileContext, analyzer: SerializerReads
) -> Iterator[Diagnostic]:
    """One finding per field read, naming every view it costs queries in (the engine keeps
    one finding per place); its fix is the first view's."""
    users = serializer_users(ctx.project)
    places: dict[tuple[str, Span], list[tuple[ViewUse, list[Read]]]] = {}
    for node in ctx.tree.iter_classdefs():
        for view_path, view_name in users.get((ctx.path, node.name.value), []):
            tree = (
                ctx.tree if view_path == ctx.path else tree_of(ctx.project, view_path)
            )
            view = top_level_class(tree, view_name) if tree is not None else None
            for use in (
                view_uses(analyzer.classes, ClassRef(view_path, view))
                if view is not None
                else []
            ):
                if use.serializer.key == (ctx.path, node.name.value):
                    for key, reads in _by_field(ctx, analyzer, use).items():
                        places.setdefault(key, []).append((use, reads))
    for (field, span), found in places.items():
        yield _field_finding(ctx, analyzer, field, span, found)


def _by_field(
    ctx: FileContext, analyzer: SerializerReads, use: ViewUse
) -> dict[tuple[str, Span], list[Read]]:
    by_field: dict[str, list[Read]] = {}
    for read in missing_reads(analyzer, use):
        if read.where == ctx.path:
            by_field.setdefault(read.field, []).append(read)
    # A method field reads at several places: report its first read only.
    return {
        (field, min(r.span for r in reads)): reads for field, reads in by_field.items()
    }


def _field_finding(
    ctx: FileContext,
    analyzer: SerializerReads,
    field: str,
    span: Span,
    found: list[tuple[ViewUse, list[Read]]],
) -> Diagnostic:
    use, reads = found[0]
    views = ", ".join(f"`{u.view.name}`" for u, _ in found[:2]) + (
        f" (+{len(found) - 2})" if len(found) > 2 else ""
    )
    model = model_name(ctx, use.queryset.model)
    if all(r.kind == BYPASSED for r in reads):
        message = (
            f"`{field}` runs a query per `{model}` of {views} that no prefetch can serve; "
            f"annotate it or use `Prefetch(to_attr=...)`"
        )
        return RULE.diagnostic(ctx, span, message=message, related=_related(use))
    detail = next((r.detail for r in reads if r.detail), "")
    message = f"`{field}`{f' ({detail})' if detail else ''} queries {_lookups(reads)} once per `{model}` of {views}"
    fix = _fix(ctx, use, missing_reads(analyzer, use))
    return RULE.diagnostic(ctx, span, message=message, fix=fix, related=_related(use))


@RULE.on_module
def check_serializers(ctx: FileContext) -> Iterator[Diagnostic]:
    if "erializer" not in ctx.text:
        return
    analyzer = SerializerReads(ctx.project)
    yield from _view_findings(ctx, analyzer)
    yield from _serializer_findings(ctx, analyzer)
