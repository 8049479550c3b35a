"""
## What it does
Flags `select_related()` and `prefetch_related()` lookups the model cannot follow:
a many-to-many or reverse foreign key in `select_related` (`select_related("tags")`),
and names that are not relations of the model (`select_related("auther")`).

## Why is this bad?
Django raises `FieldError: Invalid field name(s) given in select_related` (or
`AttributeError` for `prefetch_related`) when the queryset is evaluated: the page
crashes, and only on the code path that runs it, which tests may not cover.

## Example
```python
from library.models import Book


def tagged_books():
    return list(Book.objects.select_related("tags"))
```

## Use instead
```python
from library.models import Book


def tagged_books():
    return list(Book.objects.prefetch_related("tags"))
```

## Fix safety
Moving a many-valued lookup from `select_related` to `prefetch_related` is safe: it
turns a crash into the intended prefetch. A "did you mean" replacement of a misspelt
name is unsafe: the closest name may not be the one you meant.

## References
- Django docs: select_related(), prefetch_related()
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import remove_from_sequence
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import call_arguments, iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import ModelGraph, model_graph
from djvet.project.querysets import Evaluator, QuerySetValue

RULE = Rule(
    code="DJV110",
    name="invalid-select-related",
    family=Family.ORM,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="This lookup cannot be followed and raises at run time",
    fix_title="Fix the lookup",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
SINGLE = ("fk", "o2o", "reverse_o2o")


@RULE.on_module
def check_lookups(ctx: FileContext) -> Iterator[Diagnostic]:
    if "select_related" not in ctx.text and "prefetch_related" not in ctx.text:
        return
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    graph = model_graph(ctx.project)
    for chain, index, method in _calls(ctx.tree):
        queryset = evaluator.prefix_value(chain, index)
        if (
            not isinstance(queryset, QuerySetValue)
            or queryset.uncertain
            or queryset.values
        ):
            continue
        call = (
            chain.children[index + 2]
            if chain.children[0] != "await"
            else chain.children[index + 3]
        )
        args = call.children[1] if len(call.children) == 3 else None
        with_call = evaluator.prefix_value(chain, index + 2)
        entries = (
            with_call.prefetch
            if isinstance(with_call, QuerySetValue)
            else queryset.prefetch
        )
        to_attrs = {e.to_attr for e in entries if e.to_attr}
        for argument in call_arguments(args)[0]:
            lookup = string_value(argument)
            if lookup is None:
                continue
            problem = _problem(graph, queryset.model, lookup, method, to_attrs)
            if problem is not None:
                message, fix = problem
                yield RULE.diagnostic(
                    ctx,
                    argument,
                    message=message,
                    fix=_fix(fix, argument, call, chain, index, method),
                )


def _calls(tree: Any) -> Iterator[tuple[Any, int, str]]:
    for node in iter_nodes(tree, {"atom_expr", "power"}):
        trailers = (
            node.children[1:] if node.children[0] != "await" else node.children[2:]
        )
        for index, trailer in enumerate(trailers[:-1]):
            # `2**x.y` is a power node too: its `**` is no trailer.
            if (
                trailer.type == "trailer"
                and trailer.children[0] == "."
                and trailer.children[1].value in ("select_related", "prefetch_related")
                and trailers[index + 1].type == "trailer"
                and trailers[index + 1].children[0] == "("
            ):
                yield node, index, trailer.children[1].value


def _problem(
    graph: ModelGraph, model: str, lookup: str, method: str, to_attrs: set[str]
):
    current = model
    for position, name in enumerate(lookup.split("__")):
        info = graph.get(current)
        # a base djvet cannot read may define the name
        if info is None or info.presumed:
            return None
        if position == 0 and name in to_attrs:
            return None
        relation = graph.field(current, name)
        if relation is None:
            if name in info.methods or name in getattr(info, "properties", ()):
                return None  # prefetching through a property or method: not checked
            choices = [
                f
                for f, i in info.fields.items()
                if i.is_relation and (method == "prefetch_related" or i.kind in SINGLE)
            ]
            close = difflib.get_close_matches(name, choices, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            return (
                f"`{info.name}` has no relation `{name}` (`{method}('{lookup}')` raises){hint}",
                ("rename", lookup.replace(name, close[0], 1))
                if close and position == 0
                else None,
            )
        if relation.kind == "field":
            return (
                f"`{info.name}.{name}` is not a relation; `{method}('{lookup}')` raises",
                None,
            )
        if method == "select_related" and relation.kind not in SINGLE:
            kind = {"m2m": "many-to-many", "reverse_fk": "reverse foreign key"}.get(
                relation.kind, "multi-valued"
            )
            return (
                f"`{info.name}.{name}` is a {kind} relation: `select_related` raises `FieldError`; "
                f"use `prefetch_related('{lookup}')`",
                ("move", lookup),
            )
        if relation.target is None:
            return None
        current = relation.target
    return None


def _fix(
    plan: Any, argument: Any, call: Any, chain: Any, index: int, method: str
) -> Fix | None:
    if plan is None:
        return None
    action, value = plan
    quote = argument.get_code(include_prefix=False)[0]
    if action == "rename":
        return Fix.unsafe(
            f"Replace with `{value}`", Edit(Span.of(argument), f"{quote}{value}{quote}")
        )
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    if len(positional) == 1 and not keywords:
        name_leaf = call.get_previous_sibling().children[1]
        return Fix.safe(
            "Use `prefetch_related`", Edit(Span.of(name_leaf), "prefetch_related")
        )
    return Fix.safe(
        "Move the lookup to `prefetch_related`",
        *_move_edits(argument, call, quote, value),
    )


def _move_edits(argument: Any, call: Any, quote: str, lookup: str) -> list[Edit]:
    """Remove the argument (and its comma), then add `.prefetch_related(...)` after the call."""
    line, column = call.end_pos
    return [
        remove_from_sequence(argument, call.children[1].children),
        Edit(
            Span.point(line - 1, column), f".prefetch_related({quote}{lookup}{quote})"
        ),
    ]
