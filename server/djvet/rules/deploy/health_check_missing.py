"""
## What it does
Flags a root URLconf (`ROOT_URLCONF` of the production settings) with no health-check
route that checks the database: no `include("health_check.urls")` (django-health-check),
`watchman.urls` or `django_alive.urls`, and no route named like `health`, `healthz`,
`ping`, `ready`, `alive` or `status` whose view touches the database
(`connection.ensure_connection()`, a cursor, a query). Included URLconfs of the project
are followed. Reported on `urlpatterns`.

## Why is this bad?
Load balancers, Kubernetes probes and uptime monitors need an endpoint that says
whether this instance can serve requests. Without one they probe `/` (slow, maybe a
redirect to the login page) or nothing, and an instance that lost its database keeps
receiving traffic.

## Example
```python
from django.urls import path

from shop import views

urlpatterns = [
    path("", views.home),
]
```

## Use instead
```python
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from shop import views


def health(request):
    connection.ensure_connection()
    return JsonResponse({"status": "healthy"})


urlpatterns = [
    path("", views.home),
    path("healthz/", health),
]
```

## References
- Guide §8.4
- django-health-check: https://github.com/codingjoe/django-health-check
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.rules.deploy._urls import health_routes, is_root_urlconf, urlpatterns_leaf

RULE = Rule(
    code="DJV807",
    name="health-check-missing",
    family=Family.DEPLOY,
    severity=Severity.INFORMATION,
    message="No URL checks the database; add a health-check endpoint for probes and monitors",
    applies_to=FileRole.URLS | FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on_module
def check_root_urlconf(ctx: FileContext) -> Iterator[Diagnostic]:
    leaf = urlpatterns_leaf(ctx.tree)
    if leaf is None or not is_root_urlconf(ctx):
        return
    verdict = health_routes(ctx)
    if verdict is None:
        return  # a health route exists, or djvet cannot see every route
    message = RULE.message
    if verdict and len(verdict) <= 30:
        message = f"No URL checks the database (`{verdict}` does not); add a health-check endpoint"
    yield RULE.diagnostic(ctx, leaf, message=message)
