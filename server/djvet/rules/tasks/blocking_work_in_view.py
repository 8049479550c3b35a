"""
## What it does
Flags slow work done while a request waits: sending email (`send_mail`,
`EmailMessage(...).send()`, `user.email_user()`), HTTP calls (`requests.get`,
`urlopen`, `httpx.post`), `time.sleep()` and PDF rendering (WeasyPrint's
`write_pdf()`, `pdfkit`, `xhtml2pdf`) in a view — directly, or in a workspace function
the view calls.

HTTP calls in `async def` views are left to DJV704. Email is not flagged when
production sends it through a queue (`EMAIL_BACKEND` of django-celery-email,
django-mailer or django-post-office).

## Why is this bad?
Each of these takes from hundreds of milliseconds to many seconds, during which a
worker process is busy and the user stares at a spinner. A slow mail server or API
turns into timeouts and a site that falls over under load; a failure surfaces as a
500 after the data was already saved. Queue the work in a background task (Celery,
RQ, Django 6's tasks) and answer at once.

## Example
```python
from django.core.mail import send_mail
from django.shortcuts import redirect


def register(request):
    send_mail("Welcome!", "Thanks for joining.", "no-reply@example.com", [request.POST["email"]])
    return redirect("dashboard")
```

## Use instead
```python
from celery import shared_task
from django.core.mail import send_mail
from django.shortcuts import redirect


@shared_task
def send_welcome_email(address):
    send_mail("Welcome!", "Thanks for joining.", "no-reply@example.com", [address])


def register(request):
    send_welcome_email.delay(request.POST["email"])
    return redirect("dashboard")
```

## References
- Celery docs: https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.project.modules import imported_symbol, module_map, tree_of
from djvet.project.settings import effective_settings, settings_index
from djvet.rules.tasks._blocking import (
    Blocking,
    blocking_call,
    blocking_in,
    direct_calls,
)
from djvet.rules.tasks._views import is_async, is_request_handler

RULE = Rule(
    code="DJV701",
    name="blocking-work-in-view",
    family=Family.TASKS,
    severity=Severity.WARNING,
    message="Slow work in a request handler; move it to a background task",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS | FileRole.SETTINGS | FileRole.TASKS,
)
_WHAT = {
    "email": "sends email",
    "http": "calls a remote server",
    "sleep": "sleeps",
    "pdf": "renders a PDF",
}
_QUEUED_EMAIL = ("djcelery_email", "celery_email", "mailer.backend", "post_office")


@RULE.on("funcdef")
def check_view(ctx: FileContext, function: Any) -> Iterator[Diagnostic]:
    if not is_request_handler(function):
        return
    asynchronous = is_async(function)
    for node in direct_calls(function):
        found = blocking_call(ctx.tree, ctx.path, node)
        via = None
        if found is None:
            found, via = _through_helper(ctx, node)
        if found is None or (asynchronous and found.kind == "http"):
            continue  # DJV704 reports blocking HTTP in async code
        if found.kind == "email" and _queued_email(ctx):
            continue
        if via is None:
            message = f"`{found.name}` {_WHAT[found.kind]} while the request waits; use a background task"
        else:
            message = (
                f"`{via}()` {_WHAT[found.kind]} (`{found.name}`) while the request waits; "
                "use a background task"
            )
        yield RULE.diagnostic(
            ctx, node, message=message if len(message) <= 100 else RULE.message
        )


def _through_helper(ctx: FileContext, node: Any) -> tuple[Blocking | None, str | None]:
    """A call of a workspace function (this module's, or imported) that blocks itself."""
    children = node.children
    if (
        len(children) != 2
        or children[0].type != "name"
        or children[1].children[0] != "("
    ):
        return None, None
    name = children[0].value
    path, tree = ctx.path, ctx.tree
    source = imported_symbol(tree, name, path)
    if source is not None:
        path = module_map(ctx.project).path_of(source[0]) or ""
        tree = tree_of(ctx.project, path) if path else None
        name = source[1]
    if tree is None:
        return None, None
    function = next((f for f in tree.iter_funcdefs() if f.name.value == name), None)
    if function is None or is_request_handler(function):
        return None, None  # a view calling a view is reported inside that view
    return blocking_in(tree, path, function), children[0].value


def _queued_email(ctx: FileContext) -> bool:
    if "tasks.queued_email" not in ctx.cache:
        ctx.cache["tasks.queued_email"] = any(
            isinstance(
                backend := effective_settings(ctx.project, module).value(
                    "EMAIL_BACKEND"
                ),
                str,
            )
            and backend.startswith(_QUEUED_EMAIL)
            for module in settings_index(ctx.project).production_views()
        )
    return ctx.cache["tasks.queued_email"]
