"""
## What it does
Flags `task.delay(...)` / `task.apply_async(...)` right after a write (`.save()`,
`.create()`, `qs.update()`, ...) while that write's transaction is still open: inside
`with transaction.atomic():`, in a function decorated with `@transaction.atomic`, or
in a view when production settings set `ATOMIC_REQUESTS` (every request is one
transaction).

## Why is this bad?
The task is queued at once, but the rows it needs are committed only when the
transaction ends. A fast worker reads the old data (or `DoesNotExist`), and when the
transaction rolls back the task still runs for something that never happened.
`transaction.on_commit()` queues it after the commit, and not at all on a rollback.

## Example
```python
from celery import shared_task
from django.db import transaction


@shared_task
def send_receipt(order_id):
    ...


def checkout(order):
    with transaction.atomic():
        order.save()
        send_receipt.delay(order.pk)
```

## Use instead
```python
from functools import partial

from celery import shared_task
from django.db import transaction


@shared_task
def send_receipt(order_id):
    ...


def checkout(order):
    with transaction.atomic():
        order.save()
        transaction.on_commit(partial(send_receipt.delay, order.pk))
```

## Fix safety
Unsafe: the task is queued after the outermost transaction commits, and never when it
rolls back. Tests in `django.test.TestCase` never commit, so they need
`self.captureOnCommitCallbacks(execute=True)` to see the task. The fix uses
`functools.partial` so the arguments are evaluated where they were (a `lambda` would
read variables later, e.g. the last value of a loop variable). There is no fix when the
call's result is used, nor (until DJV702's fix has run) while a model instance is passed.

## References
- Django docs: https://docs.djangoproject.com/en/stable/topics/db/transactions/#performing-actions-after-commit
- Celery docs: https://docs.celeryq.dev/en/stable/userguide/tasks.html#database-transactions
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.tasks._commit import on_commit_fix, open_transaction, queued_call

RULE = Rule(
    code="DJV705",
    name="task-before-commit",
    family=Family.TASKS,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Task queued inside a transaction may run before the commit; use `transaction.on_commit`",
    fix_title="Queue the task with `transaction.on_commit`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on("atom_expr", "power")
def check_queued_task(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    found = queued_call(ctx, node)
    if found is None:
        return
    receiver, method = found
    where = open_transaction(ctx, node)
    if where is None:
        return
    name = f"{receiver}.{method}()"
    message = f"`{name}` {where} may run before the transaction commits"
    yield RULE.diagnostic(
        ctx,
        node,
        message=message if len(message) <= 100 else RULE.message,
        fix=on_commit_fix(ctx, node, receiver, method, RULE.fix_title or ""),
    )
