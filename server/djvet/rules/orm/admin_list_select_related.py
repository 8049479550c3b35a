"""
## What it does
Flags `ModelAdmin.list_display` entries that read a relation for every row of the
changelist without the changelist loading it: foreign-key columns (shown with their
target's `__str__`, which may read further relations), `fk__field` lookups, and admin
methods, `@admin.display` callables and model methods reading relations of `obj`.

Django's changelist joins non-null foreign keys named in `list_display` by itself
(`select_related()` without arguments), so those are not flagged; nullable foreign
keys, deeper paths and many-valued relations are. `list_select_related` (a tuple or
`True`) and that automatic join are applied **only when the admin's queryset has no
`select_related` yet**: a default manager whose `get_queryset()` already selects makes
`list_select_related` silently ignored.

## Why is this bad?
The changelist shows 100 rows by default: each relation a column reads is up to 100
more queries per page view.

## Example
```python
from django.contrib import admin

from library.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "publisher")
```

## Use instead
```python
from django.contrib import admin

from library.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "publisher")
    list_select_related = ("author", "publisher")
```

## Fix safety
Adding names to an explicit `list_select_related` tuple is safe: only the changelist
query changes, and it returns the same rows. Replacing `list_select_related = True`
or Django's automatic join with named paths is unsafe when some `list_display` entry
could not be read (it may need a join the names leave out). Many-valued relations, and
admins whose queryset already selects, are fixed in `get_queryset()`, which every admin
view uses: unsafe. Queries no prefetch can serve (`obj.books.filter(...)`) get no fix.

## References
- Django docs: ModelAdmin.list_select_related, ModelAdmin.get_queryset()
- Guide §1.1
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.qsfix import loaded, quote_style
from djvet.rules.orm._admin import (
    BYPASSED,
    Changelist,
    admin_classes,
    admin_fix,
    changelist_queryset,
    entry_reads,
    single_valued,
)
from djvet.rules.orm._n1 import model_name

RULE = Rule(
    code="DJV107",
    name="admin-list-select-related",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="A `list_display` entry reads a relation the changelist does not load: one query per row",
    fix_title="Add the relations to `list_select_related`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


def _message(
    ctx: FileContext, changelist: Changelist, label: str, missing: list
) -> str:
    graph = model_graph(ctx.project)
    every = {"__".join(r.path) for r in missing if r.kind != BYPASSED}
    lookups = ", ".join(
        f"`{x}`"
        for x in sorted(every)
        if not any(o.startswith(x + "__") for o in every)
    )
    if not lookups:
        return f"`{label}` runs a query per row that no prefetch can serve; annotate it in `get_queryset()`"
    head = f"`{label}` queries {lookups} once per row"
    if changelist.manager_selects:
        manager = model_name(ctx, changelist.model)
        return f"{head}; `list_select_related` is ignored (`{manager}`'s manager selects already)"
    if all(
        single_valued(graph, changelist.model, r.path)
        for r in missing
        if r.kind != BYPASSED
    ):
        return f"{head}; add it to `list_select_related`"
    return f"{head}; prefetch it in `get_queryset()`"


@RULE.on_module
def check_changelists(ctx: FileContext) -> Iterator[Diagnostic]:
    if "admin" not in ctx.text:
        return
    graph = model_graph(ctx.project)
    quote = quote_style(ctx.text)
    for changelist in admin_classes(ctx.project, ctx.path, ctx.tree):
        queryset = changelist_queryset(graph, changelist)
        inherited = (
            changelist.display is not None and changelist.display[0] != changelist.ref
        )
        reads, flagged, complete = [], [], True
        for anchor, entry in changelist.entries:
            found = entry_reads(ctx.project, changelist, anchor, entry)
            if found is None:
                complete = False
                continue
            reads.extend(found)
            missing = [
                r
                for r in found
                if r.kind == BYPASSED or not loaded(graph, queryset, r.path)
            ]
            if missing:
                where = changelist.ref.node.name if inherited else anchor
                flagged.append((where, found[0].field, missing))
        if not flagged:
            continue
        every = [r for _, _, missing in flagged for r in missing]
        fix = admin_fix(ctx.project, changelist, reads, every, complete, quote)
        for where, label, missing in flagged:
            has_fix = any(r.kind != BYPASSED for r in missing)
            yield RULE.diagnostic(
                ctx,
                where,
                message=_message(ctx, changelist, label, missing),
                fix=fix if has_fix else None,
            )
