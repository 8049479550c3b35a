"""
## What it does
Flags an app that does not have one responsibility (guide §3.4), on its models
module, in two measured cases:

- **Unrelated domains**: the app has at least 8 concrete models, and they fall into
  at least 3 groups with no relation between them (foreign keys, many-to-many,
  one-to-one and multi-table parents among the app's own models), the largest
  group holding less than half of the models. Relations to other apps' models
  (the user model, say) do not join groups.
- **Import cycle**: the app's modules import, at module level, an app that (directly
  or through others) imports it back. Imports inside functions and under
  `if TYPE_CHECKING:` are not counted: they are how cycles are broken. Tests and
  migrations are not counted either.

## Why is this bad?
An app holding several domains cannot be understood, tested or reused on its own,
and every change to it risks the others. Apps importing each other at module level
are one app in two folders: neither loads without the other, and a circular import
error is one reordering away.

## Example
```python
# catalog/models.py — catalogue, billing and support in one app
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")


class Invoice(models.Model):
    number = models.CharField(max_length=20)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")


class Ticket(models.Model):
    subject = models.CharField(max_length=200)


class TicketReply(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")


class Newsletter(models.Model):
    subject = models.CharField(max_length=200)


class Banner(models.Model):
    image = models.CharField(max_length=200)
```

## Use instead
```python
# catalog/models.py — the catalogue only; billing/ and support/ are apps of their own
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")
```

There is no automatic fix: splitting an app moves models, which needs migrations
(`SeparateDatabaseAndState`) and a plan.

## References
- Guide §3.4, "Organize Apps by Domain, One Responsibility Per App"
- Django docs: Applications https://docs.djangoproject.com/en/stable/ref/applications/
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.index import normalize
from djvet.project.models import AppInfo, model_graph
from djvet.rules.structure._apps import app_facts, cycles, model_clusters

RULE = Rule(
    code="DJV315",
    name="app-too-broad",
    family=Family.STRUCTURE,
    severity=Severity.HINT,
    fix=FixAvailability.NEVER,
    message="App spans unrelated domains or imports apps that import it; split it by domain",
    applies_to=FileRole.MODELS,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)

MIN_MODELS = 8
MIN_GROUPS = 3


@RULE.on_module
def check_app(ctx: FileContext) -> Iterator[Diagnostic]:
    facts = app_facts(ctx.project)
    app = next((a for a in facts.apps if facts.anchor(a) == normalize(ctx.path)), None)
    if app is None:
        return
    message = _domains(ctx, app)
    if message is not None:
        yield RULE.diagnostic(ctx, _first_class(ctx), message=message)
    for group in cycles(facts.imports):
        if app.name in group:
            others = [f"`{name}`" for name in group if name != app.name]
            yield RULE.diagnostic(
                ctx,
                _import_of(ctx, group, app.name),
                message=_cycle_message(app.name, others),
            )


def _domains(ctx: FileContext, app: AppInfo) -> str | None:
    graph = model_graph(ctx.project)
    groups = model_clusters(graph, app)
    total = sum(len(g) for g in groups)
    if any(
        m.presumed or m.partial
        for m in graph.models.values()
        if m.app_label == app.label
    ):
        return None  # a base djvet cannot read may hold the relations
    if total < MIN_MODELS or len(groups) < MIN_GROUPS or len(groups[0]) * 2 >= total:
        return None
    return f"App `{app.label}` has {total} models in {len(groups)} unrelated groups; split it by domain"


def _cycle_message(app: str, others: list[str]) -> str:
    if len(others) == 1:
        return f"Apps `{app}` and {others[0]} import each other at module level"
    for shown in (3, 2, 1):
        listed = ", ".join(others[:shown]) + (", ..." if len(others) > shown else "")
        message = f"App `{app}` is in a module-level import cycle with {len(others)} apps ({listed})"
        if len(message) <= 100:
            return message
    return RULE.message


def _first_class(ctx: FileContext) -> Span:
    for child in ctx.tree.children:
        node = child.children[-1] if child.type == "decorated" else child
        if node.type == "classdef":
            return Span.of(node.name)
    return Span(0, 0, 0, 0)


def _import_of(ctx: FileContext, group: list[str], own: str) -> Span:
    """This module's import of another app of the cycle, else its first line."""
    for child in ctx.tree.children:
        statement = child.children[0] if child.type == "simple_stmt" else None
        if statement is None or statement.type not in ("import_from", "import_name"):
            continue
        for path in statement.get_paths():
            dotted = ".".join(n.value for n in path)
            if any(
                dotted == n or dotted.startswith(n + ".") for n in group if n != own
            ):
                return Span.of(statement)
    return Span(0, 0, 0, 0)
