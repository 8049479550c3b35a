"""
## What it does
Flags list, set and dict comprehensions (and `list()`, `set()`, `tuple()`, `sorted()`
of a generator) over a queryset that only read plain columns of each row:
`[u.email for u in User.objects.all()]`, `{b.pk: b.title for b in books}`,
`[(b.id, b.title) for b in books]`.

Rows whose instance is used otherwise (a relation, a method, the object itself), and
querysets whose rows the function reads elsewhere, are left alone.

## Why is this bad?
Each row becomes a model instance — every column fetched, `__init__` and signals run —
only to read one or two attributes. `values_list()` fetches just those columns as
tuples, in the same order.

## Example
```python
from library.models import Book


def titles():
    return [book.title for book in Book.objects.filter(is_published=True)]
```

## Use instead
```python
from library.models import Book


def titles():
    return list(Book.objects.filter(is_published=True).values_list("title", flat=True))
```

## Fix safety
Safe: for Django's own field classes an attribute and its `values_list()` value are
the same Python value, the rows come in the same order, and nothing else reads the
queryset. File fields (whose attribute is a `FieldFile`) and custom field classes are
not flagged.

## References
- Django docs: values_list() (https://docs.djangoproject.com/en/stable/ref/models/querysets/#values-list)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.querysets import Evaluator
from djvet.rules.orm._evaluation import bind_loops, fresh_queryset
from djvet.rules.orm._style import quoted

RULE = Rule(
    code="DJV113",
    name="instances-for-values",
    family=Family.ORM,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="Model instances are built only to read columns; use `values_list()`",
    fix_title="Use `values_list()`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.MIGRATIONS | FileRole.TESTS,
)
# Classes whose attribute is the value `values_list()` returns (not FileField's FieldFile).
PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "DurationField",
        "EmailField",
        "FloatField",
        "GenericIPAddressField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "TimeField",
        "URLField",
        "UUIDField",
    }
)
WRAPPERS = {
    "list": "list",
    "set": "set",
    "tuple": "tuple",
    "sorted": "sorted",
    "frozenset": "frozenset",
}


@RULE.on_module
def check_comprehensions(ctx: FileContext) -> Iterator[Diagnostic]:
    if " for " not in ctx.text:
        return
    evaluator: Evaluator | None = None
    for node in iter_nodes(ctx.tree, {"atom", "atom_expr", "power"}):
        shape = _shape(node)
        if shape is None:
            continue
        wrapper, parts, comp = shape
        evaluator = evaluator or bind_loops(
            Evaluator(ctx.project, ctx.path, ctx.tree), ctx.tree
        )
        fix_text = _rewrite(ctx, evaluator, wrapper, parts, comp)
        if fix_text is not None:
            yield RULE.diagnostic(
                ctx, node, fix=Fix.safe(RULE.fix_title, Edit(Span.of(node), fix_text))
            )


def _shape(node: Any) -> tuple[str, list[Any], Any] | None:
    """(wrapper, element parts, the `for` clause) of a comprehension of one `for`."""
    if (
        node.type == "atom"
        and node.children[0] in ("[", "{")
        and len(node.children) == 3
    ):
        inner = node.children[1]
        comp = (
            inner.children[-1]
            if inner.type in ("testlist_comp", "dictorsetmaker")
            else None
        )
        if comp is None or comp.type != "sync_comp_for":
            return None
        if (
            inner.type == "dictorsetmaker"
            and len(inner.children) == 4
            and inner.children[1] == ":"
        ):
            return "dict", [inner.children[0], inner.children[2]], comp
        if len(inner.children) == 2:
            return (
                ("list" if node.children[0] == "[" else "set"),
                [inner.children[0]],
                comp,
            )
        return None
    if (
        node.type in ("atom_expr", "power")
        and len(node.children) == 2
        and node.children[0].type == "name"
    ):
        wrapper, trailer = node.children[0].value, node.children[1]
        argument = (
            trailer.children[1]
            if trailer.children[0] == "(" and len(trailer.children) == 3
            else None
        )
        if (
            wrapper in WRAPPERS
            and argument is not None
            and argument.type == "argument"
            and len(argument.children) == 2
            and argument.children[1].type == "sync_comp_for"
        ):
            return wrapper, [argument.children[0]], argument.children[1]
    return None


def _rewrite(
    ctx: FileContext, evaluator: Evaluator, wrapper: str, parts: list[Any], comp: Any
) -> str | None:
    if len(comp.children) != 4 or comp.children[1].type != "name":
        return None  # `if` clauses, nested `for`s, tuple targets
    variable, iterable = comp.children[1].value, comp.children[3]
    if (
        iterable.get_code(include_prefix=False)
        .rstrip(")")
        .rstrip()
        .endswith(("iterator(", ".iterator"))
    ):
        return None
    operand = fresh_queryset(evaluator, iterable)
    if operand is None or operand.queryset.values or operand.queryset.prefetch:
        return None
    model = model_graph(ctx.project).get(operand.queryset.model)
    if model is None or model.partial:
        return None
    elements = parts if wrapper == "dict" else _tuple_items(parts[0])
    names = [_column(model, element, variable) for element in elements]
    if not names or None in names:
        return None
    columns = quoted([n for n in names if n], ctx.text)
    flat = ", flat=True" if len(names) == 1 and wrapper != "dict" else ""
    return f"{wrapper}({iterable.get_code(include_prefix=False)}.values_list({columns}{flat}))"


def _tuple_items(element: Any) -> list[Any]:
    if (
        element.type == "atom"
        and element.children[0] == "("
        and len(element.children) == 3
        and element.children[1].type == "testlist_comp"
    ):
        items = [c for c in element.children[1].children if c != ","]
        return items if len(items) > 1 else []
    return [element]


def _column(model: Any, element: Any, variable: str) -> str | None:
    """`b.title` → "title" when `title` is a plain column of the model."""
    children = getattr(element, "children", [])
    if element.type not in ("atom_expr", "power") or len(children) != 2:
        return None
    head, trailer = children
    if head.type != "name" or head.value != variable or trailer.children[0] != ".":
        return None
    name = trailer.children[1].value
    if name == "pk" or any(f.attname == name for f in model.fields.values()):
        return name
    info = model.fields.get(name)
    return (
        name
        if info is not None and info.kind == "field" and info.field_class in PLAIN
        else None
    )
