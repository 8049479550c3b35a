"""
## What it does
Flags synchronous HTTP clients called in an `async def`: `requests.get()`,
`requests.post()`, `urllib.request.urlopen()`, `httpx.get()`. Calls handed to a thread
(`await sync_to_async(requests.get)(url)`, `asyncio.to_thread(requests.get, url)`) are
fine and not flagged.

## Why is this bad?
An async view or consumer shares one event loop with every other request the process
serves. A blocking call stops that loop until the remote server answers: all other
requests wait too, and the async view is slower than a plain sync one.

## Example
```python
import requests
from django.http import JsonResponse


async def weather(request):
    reply = requests.get("https://api.example.com/weather", timeout=5)
    return JsonResponse(reply.json())
```

## Use instead
```python
import httpx
from django.http import JsonResponse


async def weather(request):
    async with httpx.AsyncClient(timeout=5) as client:
        reply = await client.get("https://api.example.com/weather")
    return JsonResponse(reply.json())
```

## References
- Django docs: https://docs.djangoproject.com/en/stable/topics/async/
- HTTPX async client: https://www.python-httpx.org/async/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.rules.tasks._blocking import blocking_call, direct_calls
from djvet.rules.tasks._views import is_async

RULE = Rule(
    code="DJV704",
    name="blocking-http-in-async",
    family=Family.TASKS,
    severity=Severity.WARNING,
    message="Blocking HTTP call in async code stalls the event loop; use `httpx.AsyncClient`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on("funcdef")
def check_async_function(ctx: FileContext, function: Any) -> Iterator[Diagnostic]:
    if not is_async(function):
        return
    for node in direct_calls(function):
        found = blocking_call(ctx.tree, ctx.path, node)
        if found is not None and found.kind == "http":
            message = f"`{found.name}` blocks the event loop; use `httpx.AsyncClient` and `await`"
            yield RULE.diagnostic(
                ctx, node, message=message if len(message) <= 100 else RULE.message
            )
