"""
## What it does
Flags field names and `__` paths that the queryset's model does not have, in
`filter()`, `exclude()`, `get()`, `get_or_create()`, `update_or_create()`,
`order_by()`, `values()`, `values_list()`, `only()`, `defer()`, `latest()`,
`earliest()`, `annotate()`, `alias()` and `aggregate()` — also inside `Q(...)`,
`F(...)`, aggregates (`Count("books")`) and `When(...)`. Relations are followed
through the model graph, and the last names are checked against the lookups and
transforms of the field (`__icontains`, `__date`, `__year`) and every custom lookup
the project or its installed apps register.

`Meta.ordering` strings of the models are checked too.

Names added earlier in the chain (`annotate()`, `alias()`, `values()` expressions)
are valid, and so is anything djvet cannot be sure about: custom queryset methods
that may annotate, JSON, array and custom field classes, models whose bases it cannot
read. `select_related()` / `prefetch_related()` are checked by DJV110.

## Why is this bad?
Django raises `FieldError: Cannot resolve keyword ...` (or `Unsupported lookup ...`)
when the queryset is evaluated, on the one code path that runs it, which tests may
not cover. Test modules are not checked: their lookups run, and fail, whenever the
test does.

## Example
```python
from library.models import Book


def search(term):
    return list(Book.objects.filter(titel__icontains=term))
```

## Use instead
```python
from library.models import Book


def search(term):
    return list(Book.objects.filter(title__icontains=term))
```

## Fix safety
The fix replaces the unknown name with the closest valid one. It is unsafe: the
closest name may not be the one you meant.

## References
- Django docs: Field lookups (https://docs.djangoproject.com/en/stable/ref/models/querysets/#field-lookups)
- Django docs: Custom lookups (https://docs.djangoproject.com/en/stable/howto/custom-lookups/)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import list_items
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.lookups import lookup_vocabulary
from djvet.project.models import model_graph
from djvet.rules.orm._lookups import Names, PathChecker
from djvet.rules.orm._querychains import (
    CHECKED,
    ChainStep,
    chain_steps,
    string_argument,
    walk_arguments,
)

RULE = Rule(
    code="DJV111",
    name="unknown-lookup-field",
    family=Family.ORM,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="This lookup names a field the model does not have",
    fix_title="Use the closest field name",
    applies_to=FileRole.PYTHON,
    # A test's lookups run, and fail, whenever the test does: the rule is for the
    # code paths tests may not cover (and tests are a third of a large project's code).
    excludes=FileRole.MIGRATIONS | FileRole.TESTS,
)


@dataclass(frozen=True)
class _Reference:
    node: Any  # a keyword's name leaf, or a string literal
    path: str
    lookups: bool  # a filter keyword (lookups allowed) or a field reference
    prefix: str  # "-" of `order_by("-title")`
    names: Names  # names earlier steps of the chain added


@RULE.on_module
def check_lookups(ctx: FileContext) -> Iterator[Diagnostic]:
    graph = model_graph(ctx.project)
    if "ordering" in ctx.text and graph.models_in(ctx.path):
        yield from _meta_orderings(
            ctx, PathChecker(graph, lookup_vocabulary(ctx.project))
        )
    if not any(f"{method}(" in ctx.text for method in CHECKED):
        return
    checker = PathChecker(graph, lookup_vocabulary(ctx.project))
    for step in chain_steps(ctx, CHECKED):
        model = graph.get(step.model)
        if model is None or model.partial:
            continue
        for reference in _references(step):
            problem = checker.check(
                model, reference.path, reference.names, lookups=reference.lookups
            )
            if problem is not None:
                yield RULE.diagnostic(
                    ctx,
                    reference.node,
                    message=problem.message,
                    fix=_fix(reference, problem.replacement),
                )


def _meta_orderings(ctx: FileContext, checker: PathChecker) -> Iterator[Diagnostic]:
    """`class Meta: ordering = ["-titel"]` of the concrete models of this file."""
    models = {
        m.name: m
        for m in checker.graph.models_in(ctx.path)
        if not m.abstract and not m.partial
    }
    for cls in ctx.tree.iter_classdefs():
        model = models.get(cls.name.value)
        meta = (
            next((c for c in cls.iter_classdefs() if c.name.value == "Meta"), None)
            if model
            else None
        )
        ordering = _class_attribute(meta, "ordering") if meta is not None else None
        for item in (list_items(ordering) or []) if ordering is not None else []:
            text = string_argument(item)
            if text is None or text == "?" or "." in text:
                continue
            prefix, path = ("-", text[1:]) if text.startswith("-") else ("", text)
            reference = _Reference(item, path, False, prefix, Names())
            problem = checker.check(model, path, reference.names, lookups=False)
            if problem is not None:
                yield RULE.diagnostic(
                    ctx,
                    item,
                    message=problem.message,
                    fix=_fix(reference, problem.replacement),
                )


def _class_attribute(cls: Any, name: str) -> Any | None:
    for child in cls.get_suite().children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            statement = child.children[0]
            if (
                statement.children[0].type == "name"
                and statement.children[0].value == name
                and len(statement.children) == 3
            ):
                return statement.children[2]
    return None


def _references(step: ChainStep) -> Iterator[_Reference]:
    """Every field path of one `.method(...)` call, with the names valid there."""
    for node, path, lookups in walk_arguments(step):
        text = path
        prefix = ""
        if (
            step.method in ("order_by", "latest", "earliest")
            and not lookups
            and text.startswith("-")
        ):
            prefix, text = "-", text[1:]
        if not text or text == "?" or "." in text or text.startswith(("-", "+")):
            continue
        yield _Reference(node, text, lookups, prefix, step.names_for(node))


def _fix(reference: _Reference, replacement: str | None) -> Fix | None:
    if replacement is None:
        return None
    node = reference.node
    if node.type == "name":
        return Fix.unsafe(
            f"Replace with `{replacement}`", Edit(Span.of(node), replacement)
        )
    if string_argument(node) is None:
        return None
    quote = node.get_code(include_prefix=False)[0]
    new_text = f"{quote}{reference.prefix}{replacement}{quote}"
    return Fix.unsafe(
        f"Replace with `{reference.prefix}{replacement}`", Edit(Span.of(node), new_text)
    )
