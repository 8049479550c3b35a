"""
## What it does
Flags a `for` loop over a queryset of a model with large columns (`TextField`,
`JSONField`, `BinaryField`, `ArrayField`, `HStoreField`) when the loop body only reads
other fields of each row: attributes of the loop variable, and nothing that could read
more (no method or property calls, no passing the object on, no `str(obj)`).

## Why is this bad?
Every row brings its large columns over the wire and into memory, only to be thrown
away. `defer()` leaves them in the database; `only()` names the columns to fetch.

## Example
```python
from library.models import Profile


def bios_present():
    for profile in Profile.objects.all():
        print(profile.user_id)
```

## Use instead
```python
from library.models import Profile


def bios_present():
    for profile in Profile.objects.defer("bio"):
        print(profile.user_id)
```

## Fix safety
Unsafe: reading a deferred field later costs one query per object — code added to
the loop later, or a template or method that reads it, turns this into an N+1. The fix
defers only the large columns the loop does not read.

## References
- Django docs: defer() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#defer)
- Django docs: only() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#only)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import ModelInfo, model_graph
from djvet.project.querysets import Evaluator
from djvet.rules.orm._evaluation import fresh_queryset
from djvet.rules.orm._rows import RowLoop, for_loops
from djvet.rules.orm._style import quoted

RULE = Rule(
    code="DJV112",
    name="wide-rows-for-few-fields",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="The loop reads a few fields but loads large columns of every row; defer them",
    fix_title="Defer the large columns the loop does not read",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
WIDE = frozenset({"TextField", "JSONField", "BinaryField", "ArrayField", "HStoreField"})


@RULE.on_module
def check_loops(ctx: FileContext) -> Iterator[Diagnostic]:
    if "for " not in ctx.text:
        return
    graph = model_graph(ctx.project)
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    for loop in for_loops(ctx, evaluator):
        queryset = loop.queryset
        if (
            queryset is None
            or queryset.values
            or queryset.only is not None
            or queryset.deferred
            or queryset.evaluated
            or queryset.uncertain
        ):
            continue
        model = graph.get(queryset.model)
        if model is None or model.partial:
            continue
        wide = [
            n
            for n, f in model.fields.items()
            if f.kind == "field" and f.field_class in WIDE
        ]
        read = _attributes_read(loop, model)
        if not wide or read is None or set(wide) & read or _init_reads(model, wide):
            continue
        if fresh_queryset(evaluator, loop.iterable) is None:
            continue  # the rows are read elsewhere too (a template, another loop)
        names = ", ".join(f"`{n}`" for n in wide[:3])
        message = f"The loop reads {len(read)} field(s) but loads {names} for every row; defer them"
        yield RULE.diagnostic(
            ctx, loop.iterable, message=message, fix=_fix(ctx, loop, wide)
        )


def _init_reads(model: ModelInfo, wide: list[str]) -> bool:
    """A custom `__init__` / `from_db` that may read a column runs for every row: a
    deferred one would cost a query each time."""
    for name in ("__init__", "from_db"):
        function = model.methods.get(name)
        if function is not None and any(
            column in function.get_code() for column in wide
        ):
            return True
    return False


def _attributes_read(loop: RowLoop, model: ModelInfo) -> set[str] | None:
    """The model attributes the body reads from the loop variable; None when the
    object is used any other way (a call, passed on, a property that may read more)."""
    read: set[str] = set()
    for leaf in iter_nodes(loop.node.children[5], {"name"}):
        if leaf.value != loop.variable:
            continue
        trailer = leaf.get_next_sibling()
        if trailer is None or trailer.type != "trailer" or trailer.children[0] != ".":
            return None
        name = trailer.children[1].value
        after = trailer.get_next_sibling()
        is_call = (
            after is not None and after.type == "trailer" and after.children[0] == "("
        )
        if is_call or name in model.properties or name in model.methods:
            return None
        info = model.fields.get(name)
        if (
            info is None
            and name != "pk"
            and not any(f.attname == name for f in model.fields.values())
        ):
            return None
        read.add(name)
    return read


def _fix(ctx: FileContext, loop: RowLoop, wide: list[str]) -> Fix | None:
    """Append `.defer(...)` to the loop's own queryset expression (not to a variable:
    someone else may read the deferred columns from it)."""
    iterable = loop.iterable
    if iterable.type == "name":
        return None
    trailers = iterable.children[1:]
    deferred = f".defer({quoted(wide, ctx.text)})"
    # `.defer()` must come before `.iterator()`
    for trailer in trailers[:-1]:
        if trailer.children[0] == "." and trailer.children[1].value == "iterator":
            return Fix.unsafe(
                RULE.fix_title, Edit(Span.point(*_before(trailer)), deferred)
            )
    line, column = iterable.end_pos
    return Fix.unsafe(RULE.fix_title, Edit(Span.point(line - 1, column), deferred))


def _before(node: Any) -> tuple[int, int]:
    line, column = node.start_pos
    return line - 1, column
