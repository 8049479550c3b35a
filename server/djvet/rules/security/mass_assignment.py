"""
## What it does
Flags request data unpacked into model fields: `Model.objects.create(**request.POST.dict())`,
`Model(**request.data)`, `queryset.update(**data)` with `data` taken from the request,
`get_or_create`/`update_or_create` with such `defaults=`, `serializer.save(**request.data)`,
`obj.__dict__.update(request.POST)`, and loops that `setattr(obj, key, value)` for every
key the client sent.

## Why is this bad?
The client chooses which fields are written. Adding `is_staff=1`, `is_superuser=1`,
`price=0` or `owner=<someone else>` to the form post sets them: mass assignment. A form
or a serializer with an explicit list of fields writes only those fields, and validates
them.

## Example
```python
from library.models import Book


def create_book(request):
    return Book.objects.create(**request.POST.dict())
```

## Use instead
```python
from django import forms

from library.models import Book


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ["title", "author"]


def create_book(request):
    form = BookForm(request.POST)
    if form.is_valid():
        return form.save()
    return None
```

## Compared with other checkers
- Semgrep `mass-assignment` flags `Model.objects.create(**request.X)` and
  `obj.update(**request.X)` followed by `save()`; djvet also follows the data through
  variables and `json.loads(request.body)`, and covers constructors, `defaults=`,
  `serializer.save()` and `setattr` loops (`more-sinks`).

## References
- Django docs: Creating forms from models:
  https://docs.djangoproject.com/en/stable/topics/forms/modelforms/
- OWASP: Mass assignment cheat sheet
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import call_arguments, code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.rules.security._code import is_request_data, queryset_chain
from djvet.rules.security._users import model_of_name

RULE = Rule(
    code="DJV231",
    name="mass-assignment",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    message="Request data sets model fields directly; the client picks the fields (mass assignment)",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_WRITES = frozenset({"create", "get_or_create", "update_or_create", "update"})


@RULE.on("atom_expr", "power")
def check_call(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    for index in range(1, len(node.children)):
        trailer = node.children[index]
        if trailer.type == "trailer" and trailer.children[0] == "(":
            yield from _check(ctx, node.children[: index + 1])


def _check(ctx: FileContext, children: list[Any]) -> Iterator[Diagnostic]:
    target = _target(ctx, children)
    if target is None:
        return
    call = children[-1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    unpacked = [a for a in positional if a.type == "argument" and a.children[0] == "**"]
    for argument in unpacked:
        if is_request_data(argument.children[1]):
            yield _finding(ctx, argument, target, code_of(argument.children[1]))
    defaults = keywords.get("defaults")
    if (
        defaults is not None
        and target.endswith("_or_create()")
        and is_request_data(defaults)
    ):
        yield _finding(ctx, defaults, target, code_of(defaults))
    if target == "__dict__.update()" and positional and is_request_data(positional[0]):
        yield _finding(
            ctx, positional[0], "`__dict__.update()`", code_of(positional[0])
        )


@RULE.on("for_stmt")
def check_setattr_loop(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    """`for key, value in request.POST.items(): setattr(obj, key, value)`."""
    targets, iterable = node.children[1], node.children[3]
    if targets.type != "exprlist" or not is_request_data(iterable):
        return
    key = targets.children[0]
    for leaf in node.children[-1].get_root_node().get_used_names().get("setattr", []):
        statement = leaf.parent
        if not (
            statement.start_pos > node.start_pos and statement.end_pos <= node.end_pos
        ):
            continue
        trailer = leaf.get_next_sibling()
        arguments = call_arguments(
            trailer.children[1]
            if trailer is not None and len(trailer.children) == 3
            else None
        )[0]
        if len(arguments) >= 2 and code_of(arguments[1]) == code_of(key):
            yield _finding(ctx, statement, "`setattr()`", code_of(iterable))


def _target(ctx: FileContext, children: list[Any]) -> str | None:
    head = children[0]
    if len(children) == 2:
        model = model_of_name(ctx, head)
        return f"`{head.value}()`" if model is not None else None
    method = children[-2]
    if method.type != "trailer" or method.children[0] != ".":
        return None
    name = method.children[1].value
    receiver = children[:-2]
    if name in _WRITES and queryset_chain(receiver):
        return f"{name}()"
    if name == "save" and "serializer" in code_of(receiver[-1]).lower():
        return "save()"
    if name == "update" and code_of(receiver[-1]) == ".__dict__":
        return "__dict__.update()"
    return None


def _finding(ctx: FileContext, where: Any, target: str, data: str) -> Diagnostic:
    data = " ".join(data.split())
    shown = data if len(data) <= 30 else data[:29] + "…"
    return RULE.diagnostic(
        ctx,
        where,
        message=f"Request data `{shown}` sets model fields through "
        f"`{target.strip('`')}`: the client picks them; use a form or serializer",
    )
