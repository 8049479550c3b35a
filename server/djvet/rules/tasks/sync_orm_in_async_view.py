"""
## What it does
Flags database work written the synchronous way inside `async def` (views, consumers,
any coroutine): `Book.objects.get()`, `.count()`, `.create()`, `for book in
Book.objects.all()`, `[b for b in qs]`, `list(qs)`, `book.save()`, `author.books.add()`,
`get_object_or_404()`.

## Why is this bad?
Django refuses to run a query from a thread that has a running event loop: each of
these raises `SynchronousOnlyOperation` at run time (and tests with the sync client
show it as a 500). Use the async API — `aget()`, `acount()`, `acreate()`, `async for`,
`asave()` — or hand the work to a thread with `sync_to_async`.

## Example
```python
from django.http import JsonResponse

from library.models import Book


async def book_detail(request, pk):
    book = Book.objects.get(pk=pk)
    titles = [b.title for b in Book.objects.filter(author=book.author_id)]
    return JsonResponse({"title": book.title, "same_author": titles})
```

## Use instead
```python
from django.http import JsonResponse

from library.models import Book


async def book_detail(request, pk):
    book = await Book.objects.aget(pk=pk)
    titles = [b.title async for b in Book.objects.filter(author=book.author_id)]
    return JsonResponse({"title": book.title, "same_author": titles})
```

## Fix safety
The fix follows the project's Django version (`django-version`, the project's
interpreter, or its pins): `aget()`, `acount()`, ... and `async for` from 4.1;
`asave()`, `adelete()`, `arefresh_from_db()` and the related managers' `aadd()` ...
from 4.2; `aget_object_or_404()` from 5.0. These do what the sync call did, so the fix is safe when the version is known.
When it is only a guess (the Django next to djvet), the fix is unsafe; on older or
unknown versions it wraps the call in `await sync_to_async(...)`, which runs it in
Django's sync thread: unsafe, because code relying on the coroutine's thread (an
`atomic()` block opened in it) does not cover that call. Nothing is fixed inside a
generator expression, where `await` would make it an async generator.

## References
- Django docs: https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.querysets import Evaluator
from djvet.project.versions import django_version
from djvet.rules.tasks._async_orm import OrmUse, async_edits, orm_uses
from djvet.rules.tasks._imports import add_import, module_names
from djvet.rules.tasks._views import is_async

RULE = Rule(
    code="DJV703",
    name="sync-orm-in-async-view",
    family=Family.TASKS,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="Synchronous ORM call in async code raises `SynchronousOnlyOperation`",
    fix_title="Use the async ORM",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_GUESSED = ("djvet's interpreter", "unknown")


@RULE.on("funcdef")
def check_async_function(ctx: FileContext, function: Any) -> Iterator[Diagnostic]:
    if not is_async(function):
        return
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    for use in orm_uses(evaluator, function):
        message = f"`{use.shown}` in async code raises `SynchronousOnlyOperation`"
        span = (
            Span.of(use.node.children[0])
            if use.kind in ("loop", "comprehension")
            else Span.of(use.node)
        )
        yield RULE.diagnostic(
            ctx,
            span,
            message=message if len(message) <= 100 else RULE.message,
            fix=_fix(ctx, use),
        )


def _fix(ctx: FileContext, use: OrmUse) -> Fix | None:
    version = django_version(ctx.project)
    modern = version.version is not None and version.version[:2] >= use.minimum
    found = async_edits(use, modern)
    if found is None:
        return None
    edits, wrap = found
    if use.kind == "shortcut" and not wrap:
        edits += _shortcut_import(ctx, use.anchor)
    if wrap:
        if "sync_to_async" not in module_names(ctx.tree):
            edits.append(add_import(ctx.tree, "asgiref.sync", "sync_to_async"))
        title = "Run it with `await sync_to_async(...)`"
        return Fix.make(title, edits, Applicability.UNSAFE)
    safe = version.source not in _GUESSED
    return Fix.make(
        _title(use), edits, Applicability.SAFE if safe else Applicability.UNSAFE
    )


def _shortcut_import(ctx: FileContext, leaf: Any) -> list[Edit]:
    """Import `aget_object_or_404`: rename the imported name when this was its only use."""
    name = f"a{leaf.value}"
    if name in module_names(ctx.tree):
        return []
    leaves = ctx.tree.get_used_names().get(leaf.value, [])
    imported = [
        n
        for n in leaves
        if n.is_definition() and n.parent.type in ("import_from", "import_as_names")
    ]
    if len(leaves) == 2 and len(imported) == 1:
        return [Edit(Span.of(imported[0]), name)]
    return [add_import(ctx.tree, "django.shortcuts", name)]


def _title(use: OrmUse) -> str:
    if use.kind in ("loop", "comprehension"):
        return "Use `async for`"
    if use.kind == "builtin":
        return "Collect the rows with `async for`"
    name = use.anchor.value if use.kind == "shortcut" else use.anchor.children[1].value
    return (
        f"Use `await ...a{name}()`"
        if use.kind == "method"
        else f"Use `await a{name}()`"
    )
