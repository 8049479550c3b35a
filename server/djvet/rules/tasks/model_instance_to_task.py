"""
## What it does
Flags a model instance passed to a Celery task: `send.delay(order)`,
`send.apply_async(args=[order])`, `send.si(order)`, `send.signature((order,))`. The task
is found across files (`@shared_task`, `@app.task`, `@celery.task`); an argument is an
instance when djvet knows its model (`Order.objects.get(...)`, `get_object_or_404(Order,
...)`, a loop over `Order.objects...`, `request.user`, the `instance` of a
`@receiver(..., sender=Order)` handler).

## Why is this bad?
Celery serializes task arguments. With the JSON serializer a model instance cannot be
sent at all; with pickle, the worker gets a copy of the row as it was when the task
was queued, and saves of that stale copy overwrite newer changes. Pass the primary key
and fetch the row in the task.

## Example
```python
from celery import shared_task

from library.models import Book


@shared_task
def index_book(book):
    book.save()


def publish(request, pk):
    book = Book.objects.get(pk=pk)
    index_book.delay(book)
```

## Use instead
```python
from celery import shared_task

from library.models import Book


@shared_task
def index_book(book_id):
    book = Book.objects.get(pk=book_id)
    book.save()


def publish(request, pk):
    book = Book.objects.get(pk=pk)
    index_book.delay(book.pk)
```

## Fix safety
Unsafe: the fix changes the task's signature (`order` becomes `order_id`, and the task
fetches the row first) and every call site of the task in the workspace, in one edit.
Messages already queued with the old argument fail after a deploy; drain the queue
first. The task now reads the row when it runs, not as it was when it was queued. There
is no fix when some use of the task cannot be changed with certainty (`.s()` in a chain,
`send_task("...")`, `*args`, a caller passing something else).

## References
- Celery docs: https://docs.celeryq.dev/en/stable/userguide/tasks.html#state
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.querysets import Evaluator
from djvet.project.tasks import task_index
from djvet.rules.tasks._celery import instance_label, passed, task_call
from djvet.rules.tasks._task_fix import pass_pk_fix

RULE = Rule(
    code="DJV702",
    name="model-instance-to-task",
    family=Family.TASKS,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Model instance passed to a Celery task; pass its primary key instead",
    fix_title="Pass the primary key and fetch the row in the task",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on("atom_expr", "power")
def check_task_call(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    if not _mentions_call(node) or not task_index(ctx.project).tasks:
        return
    call = task_call(ctx.project, ctx.path, ctx.tree, node)
    if call is None or call.method == "call":
        return  # a direct call runs in-process: nothing is serialized
    arguments = passed(call)
    if not arguments:
        return
    evaluator = ctx.cache.get("tasks.evaluator")
    if evaluator is None:
        evaluator = ctx.cache["tasks.evaluator"] = Evaluator(
            ctx.project, ctx.path, ctx.tree
        )
    for argument in arguments:
        label = instance_label(evaluator, argument.node)
        if label is None:
            continue
        model = label.rsplit(".", 1)[-1]
        keyword = None
        if argument.keyword is not None:
            keyword = code_of(argument.keyword).strip("\"'")
        fix = pass_pk_fix(
            ctx.project, ctx.path, call.task, argument.position, keyword, label
        )
        text = code_of(argument.node)
        shown = f" `{text}`" if len(text) <= 30 else ""
        message = f"Model instance{shown} (`{model}`) passed to task `{call.task.name}`; pass its `pk`"
        yield RULE.diagnostic(ctx, argument.node, message=message, fix=fix)


def _mentions_call(node: Any) -> bool:
    return any(c.type == "trailer" and c.children[0] == "(" for c in node.children[1:])
