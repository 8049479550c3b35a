"""
## What it does
Flags `fixtures = [...]` on test case classes: test data loaded from serialized JSON,
YAML or XML files with `loaddata`.

## Why is this bad?
Fixture files freeze rows as they looked when they were dumped. Every model change — a
new required field, a renamed field, a changed default — breaks them, and they are
painful to update by hand. They hide what a test depends on (which of the 200 rows
matters?), load everything for every test class, and bypass `save()` and signals.
Factories (factory_boy, model_bakery) build exactly the objects a test needs, in code
that evolves with the models.

## Example
```python
from django.test import TestCase


class CatalogTests(TestCase):
    fixtures = ["catalog.json"]

    def test_list(self):
        self.assertEqual(self.client.get("/books/").status_code, 200)
```

## Use instead
```python
from django.test import TestCase

from catalog.factories import BookFactory


class CatalogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.books = BookFactory.create_batch(3)

    def test_list(self):
        self.assertEqual(self.client.get("/books/").status_code, 200)
```

## References
- Fixture loading: https://docs.djangoproject.com/en/stable/topics/testing/tools/#fixture-loading
- factory_boy: https://factoryboy.readthedocs.io/en/stable/orms.html#django
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Span
from djvet.core.parso_utils import assignment_pairs, list_items
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule

RULE = Rule(
    code="DJV601",
    name="json-fixtures-in-tests",
    family=Family.TESTING,
    message="Test data loaded from `fixtures` files; build it with factories in `setUpTestData`",
    applies_to=FileRole.TESTS,
    requires_text=("fixtures",),
)


@RULE.on("classdef")
def check_test_class(ctx: FileContext, cls: Any) -> Iterator[Diagnostic]:
    if len(cls.children) < 5 or cls.children[2] != "(":
        return  # a class without bases is no test case
    suite = cls.children[-1]
    if suite.type != "suite":
        return
    for statement in suite.children:
        if statement.type != "simple_stmt":
            continue
        for small in statement.children:
            for name, value in assignment_pairs(small):
                if name.value == "fixtures" and _names_fixture_files(value):
                    yield RULE.diagnostic(ctx, Span.of(name))


def _names_fixture_files(value: Any) -> bool:
    """A non-empty list or tuple, or an expression building one (not `[]`, not `None`)."""
    if value.type == "keyword":
        return False
    items = list_items(value)
    return items is None or bool(items)
