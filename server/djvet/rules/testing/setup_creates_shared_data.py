"""
## What it does
Flags `setUp` methods of `django.test.TestCase` classes (DRF's `APITestCase` too, and
project base classes built on them) that create database rows: `objects.create()`,
`get_or_create()`, `bulk_create()`, `create_user()`, factory_boy factories,
model_bakery's `baker.make()`.

## Why is this bad?
`setUp` runs before every test method, so a class with 20 tests creates its rows 20
times. `TestCase.setUpTestData` runs once per class, inside a transaction that every
test rolls back to, and since Django 3.2 each test gets its own deep copy of the
objects assigned to `cls`: the same isolation, a fraction of the queries.

## Example
```python
from django.contrib.auth import get_user_model
from django.test import TestCase


class ProfileTests(TestCase):
    def setUp(self):
        self.user = get_user_model().objects.create_user("ada", password="pw")
        self.client.force_login(self.user)

    def test_profile(self):
        self.assertEqual(self.client.get("/profile/").status_code, 200)
```

## Use instead
```python
from django.contrib.auth import get_user_model
from django.test import TestCase


class ProfileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.user = get_user_model().objects.create_user("ada", password="pw")

    def setUp(self):
        self.client.force_login(self.user)

    def test_profile(self):
        self.assertEqual(self.client.get("/profile/").status_code, 200)
```

## Fix safety
Unsafe. The fix moves the row-creating statements (and the assignments they depend on)
into `setUpTestData`, turning `self.x = ...` into `cls.x = ...`; what touches the
client, mocks or other per-test state stays in `setUp`. Objects created once are then
shared by the class's tests:

- a test that *mutates* them relies on Django (3.2+) deep-copying class attributes for
  each test; objects that cannot be deep-copied fail, and on older Django versions
  changes leak from one test to the next;
- objects that referred to each other (`self.book.author is self.author`) are now
  separate copies, so a change to one is not seen through the other;
- code that ran between the statements (a `cache.clear()` before them) now runs after
  them, and subclasses inherit the rows through `setUpTestData`.

Only rows move (creations, ORM reads, calls on the objects created): other values
stay in `setUp`, since not every object survives the per-test deep copy. No fix is
offered when `setUp` is decorated, when a statement with effects (a mock started, a
language activated) runs before the rows, when a created row depends on per-test state,
when the rows carry files (files on disk are not rolled back between tests), when the
class asserts query counts (rows created once warm caches once), when a base class of
the project has a `setUp` with effects or the class's own `setUpClass` does more after
`super().setUpClass()` (both ran before the rows, and would run after them), or when a
subclass in the module overrides `setUp` or `setUpTestData` without `super()`. Checked on Oscar's
and Wagtail's own test suites: 61 and 31 classes rewritten, the same tests pass.

## References
- `setUpTestData`: https://docs.djangoproject.com/en/stable/topics/testing/tools/#django.test.TestCase.setUpTestData
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.testing._setup_fix import (
    body,
    creates_rows,
    edits,
    inherited_setup_has_effects,
    overridden_below,
    plan,
)
from djvet.rules.testing._testcase import is_django_testcase, methods, project_bases

RULE = Rule(
    code="DJV602",
    name="setup-creates-shared-data",
    family=Family.TESTING,
    message="`setUp` creates rows before every test; create them once in `setUpTestData`",
    fix=FixAvailability.SOMETIMES,
    fix_title="Move the rows to `setUpTestData`",
    applies_to=FileRole.TESTS,
    requires_text=("setUp(", "setUp ("),  # not `setUpTestData`
)


@RULE.on("classdef")
def check_setup(ctx: FileContext, cls: Any) -> Iterator[Diagnostic]:
    setup = methods(cls).get("setUp")
    if setup is None:
        return
    statements = body(setup) or []
    if not any(creates_rows(s) for s in statements) or not is_django_testcase(ctx, cls):
        return
    fix = None
    move = plan(cls, setup)
    if (
        move is not None
        and not overridden_below(ctx.tree, cls)
        and not inherited_setup_has_effects(
            project_bases(ctx.project, ctx.path, ctx.tree, cls)
        )
    ):
        fix = Fix.unsafe(RULE.fix_title, *edits(ctx.document.lines, cls, setup, move))
    yield RULE.diagnostic(ctx, Span.of(setup.name), fix=fix)
