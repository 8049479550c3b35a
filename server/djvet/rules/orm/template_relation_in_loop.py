"""
## What it does
Flags a relation read inside a template `{% for %}` loop over a queryset the view
passes (`{{ book.author.name }}`, `{% if book.publisher %}`, `{{ book.tags.all }}`,
`{% for tag in book.tags.all %}`, `{{ author.books.count }}`, `{% with a=book.author %}`,
`{{ book }}` when `__str__` reads a relation) when the view's queryset does not load it
with `select_related` / `prefetch_related`.

The finding is reported twice: in the template, at the read, and in the view, at the
queryset. Views are function views calling `render()` / `TemplateResponse()` /
`render_to_string()` and class-based views (`ListView`, `DetailView`, …, with
`template_name` or the default `<app>/<model>_list.html`, `context_object_name`,
`get_context_data`). Templates are followed through `{% extends %}`, `{% block %}`
and `{% include %}` (with `with`/`only`).

## Why is this bad?
Templates hide queries: every `{{ book.author.name }}` in a loop of N books runs one
more `SELECT` for the author, so the page makes N+1 queries and gets slower with every
row. Nothing in the view's code shows it, and the template cannot fix it.

## Example
```html
{# library/templates/library/book_list.html #}
{% for book in books %}
  <li>{{ book.title }} by {{ book.author.name }}</li>
{% endfor %}
```

```python
def book_list(request):
    books = Book.objects.all()
    return render(request, "library/book_list.html", {"books": books})
```

## Use instead
```html
{% for book in books %}
  <li>{{ book.title }} by {{ book.author.name }}</li>
{% endfor %}
```

```python
def book_list(request):
    books = Book.objects.select_related("author")
    return render(request, "library/book_list.html", {"books": books})
```

## Fix safety
The fix edits the view's queryset (from the template it is an edit of another file).
It is safe when the queryset is built in the view itself (its function, or its class:
`model =`, `queryset =`, `get_queryset()`), and unsafe when it comes from elsewhere (a
shared base class or helper), because every other user of that queryset changes too.

## References
- Django docs: QuerySet.select_related(), QuerySet.prefetch_related()
- Django docs: Templates, "Accessing method calls"
- Guide §1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Language, Related, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.nplusone import SELECT
from djvet.project.qsfix import kinds
from djvet.project.template_index import renders_in, renders_reaching
from djvet.project.template_n1 import (
    TemplateAccess,
    cached_reads,
    merge_fixes,
    missing_reads,
    origin_key,
    render_fix,
    render_reads,
)
from djvet.project.template_views import Evaluators, might_render
from djvet.project.templates import is_django_template

RULE = Rule(
    code="DJV105",
    name="template-relation-in-loop",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Template reads a relation in a loop the view's queryset does not load",
    fix_title="Load the relation in the view's queryset",
    applies_to=FileRole.TEMPLATES | FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
    languages=frozenset({Language.PYTHON, Language.TEMPLATE}),
)


def _name(ctx: FileContext, label: str | None) -> str:
    info = model_graph(ctx.project).get(label or "")
    return info.name if info is not None else (label or "?").rsplit(".", 1)[-1]


def _call(ctx: FileContext, access: TemplateAccess) -> str:
    """`select_related` when every hop is single-valued, else `prefetch_related`."""
    hops = (
        kinds(model_graph(ctx.project), access.loop.queryset.model, access.path) or []
    )
    single = access.kind == SELECT and all(
        k in ("fk", "o2o", "reverse_o2o") for k in hops
    )
    return "select_related" if single else "prefetch_related"


def _template_message(ctx: FileContext, access: TemplateAccess, view: str) -> str:
    via = f" (through `{access.via}`)" if access.via else ""
    advice = f"{_call(ctx, access)}('{'__'.join(access.path)}')"
    return (
        f"`{access.text}`{via} queries `{_name(ctx, access.relation.target)}` once per "
        f"`{_name(ctx, access.relation.model)}`; add `{advice}` in `{view}`"
    )


def _view_message(ctx: FileContext, group: list[TemplateAccess]) -> str:
    first = group[0]
    texts = ", ".join(f"`{a.text}`" for a in group[:2])
    more = f" and {len(group) - 2} more" if len(group) > 2 else ""
    template = ctx.config.relative(first.template)
    calls: dict[str, list[str]] = {"select_related": [], "prefetch_related": []}
    for access in group:
        lookups = calls[_call(ctx, access)]
        if "__".join(access.path) not in lookups:
            lookups.append("__".join(access.path))
    advice = " and ".join(
        f"`{call}({', '.join(repr(x) for x in lookups)})`"
        for call, lookups in calls.items()
        if lookups
    )
    return (
        f"`{template}` reads {texts}{more} once per `{_name(ctx, first.relation.model)}` "
        f"row; add {advice}"
    )


@RULE.on_module
def check(ctx: FileContext) -> Iterator[Diagnostic]:
    if ctx.document.language is Language.TEMPLATE:
        if is_django_template(ctx.path):
            yield from _in_template(ctx)
    elif might_render(ctx.text):
        yield from _in_view(ctx)


def _in_template(ctx: FileContext) -> Iterator[Diagnostic]:
    """At each read of this template that some rendering view's queryset misses."""
    found: dict[Span, tuple[TemplateAccess, str, list[Fix | None]]] = {}
    for render in renders_reaching(ctx.project, ctx.path):
        reads = cached_reads(ctx.project, render)
        missing = missing_reads(ctx.project, reads)
        groups: dict[int | None, list[TemplateAccess]] = {}
        for access in missing:
            groups.setdefault(origin_key(access), []).append(access)
        for key, group in groups.items():
            fix = (
                render_fix(ctx.project, render, group, reads)
                if key is not None
                else None
            )
            for access in group:
                if access.template != ctx.path:
                    continue
                entry = found.setdefault(access.span, (access, render.label, []))
                entry[2].append(fix)
    for span, (access, view, fixes) in sorted(found.items(), key=lambda item: item[0]):
        origin = access.loop.queryset.origin
        related = (
            [Related(origin.path, Span.of(origin.chain), "the view's queryset")]
            if origin
            else []
        )
        yield RULE.diagnostic(
            ctx,
            span,
            message=_template_message(ctx, access, view),
            fix=merge_fixes(fixes),
            related=related,
        )


def _in_view(ctx: FileContext) -> Iterator[Diagnostic]:
    """At each queryset of this file whose rows a rendered template reads relations of."""
    evaluators = Evaluators(ctx.project, {ctx.path: ctx.tree})
    for render in renders_in(ctx.project, ctx.path, ctx.tree):
        reads = render_reads(ctx.project, render, evaluators)
        groups: dict[int, list[TemplateAccess]] = {}
        for access in missing_reads(ctx.project, reads):
            key = origin_key(access)
            if key is not None:
                groups.setdefault(key, []).append(access)
        for group in groups.values():
            origin = group[0].loop.queryset.origin
            where = origin.chain if origin.path == ctx.path else render.anchor
            fix = render_fix(
                ctx.project, render, group, reads, own=(ctx.path, ctx.tree)
            )
            related = [
                Related(a.template, a.span, f"`{a.text}` read here") for a in group
            ]
            yield RULE.diagnostic(
                ctx, where, message=_view_message(ctx, group), fix=fix, related=related
            )
