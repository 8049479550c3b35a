"""
## What it does
Flags an app (a package whose `models.py` defines models, or with an `apps.py` and a
`views.py` defining views) that no test touches: no test module inside it or named
after it (`test_billing.py`), no test anywhere importing from it, importing one of its
models through a re-export, or naming it in a string (its URL namespace, its app label,
a DRF router's `billing-list`, its dotted path, a `/label/` URL). The finding is on the
app's first model (or view).

## Why is this bad?
Code without tests breaks silently: a refactoring, a Django upgrade or a changed
dependency shows up in production instead of in CI. Models, views and services are
exactly where tests pay off, and Django's test client makes view tests cheap.

## Example
```python
from django.db import models


class Invoice(models.Model):
    number = models.CharField(max_length=20)
```

## Use instead
```python
# billing/tests.py
from django.test import TestCase

from billing.models import Invoice


class InvoiceTests(TestCase):
    def test_str(self):
        self.assertEqual(Invoice(number="A-1").number, "A-1")
```

## References
- Writing and running tests: https://docs.djangoproject.com/en/stable/topics/testing/overview/
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.rules.testing._apps import app_tests

RULE = Rule(
    code="DJV604",
    name="app-without-tests",
    family=Family.TESTING,
    message="App has models or views but no tests touch it",
    severity=Severity.INFORMATION,
    applies_to=FileRole.MODELS | FileRole.VIEWS,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)


@RULE.on_module
def check_app(ctx: FileContext) -> Iterator[Diagnostic]:
    name = os.path.basename(ctx.path)
    if name not in ("models.py", "views.py"):
        return
    index = app_tests(ctx.project)
    app = index.apps.get(os.path.abspath(ctx.path))
    if app is None or app.folder in index.tested:
        return
    what = " and ".join(app.kinds)
    where = _first_definition(ctx.tree)
    yield RULE.diagnostic(
        ctx, where, message=f"App `{app.label}` has {what} but no tests touch it"
    )


def _first_definition(tree: Any) -> Span:
    for node in tree.children:
        target = node.children[-1] if node.type == "decorated" else node
        if target.type in ("classdef", "funcdef", "async_funcdef"):
            return Span.of(target.name if hasattr(target, "name") else target)
    return Span(0, 0, 0, 0)
