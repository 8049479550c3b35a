"""
## What it does
Flags `@receiver(...)` (from `django.dispatch`) placed below another decorator.

## Why is this bad?
Decorators apply bottom-up. `@receiver` registers the function it receives at that
point; any decorator above it wraps a copy the signal never calls. A
`@transaction.atomic` or `@log_errors` above `@receiver` is silently ignored when
the signal fires.

## Example
```python
import functools

from django.db.models.signals import post_save
from django.dispatch import receiver


def logged(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@logged
@receiver(post_save, sender="shop.Order")
def notify_warehouse(sender, instance, **kwargs):
    pass
```

## Use instead
```python
import functools

from django.db.models.signals import post_save
from django.dispatch import receiver


def logged(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@receiver(post_save, sender="shop.Order")
@logged
def notify_warehouse(sender, instance, **kwargs):
    pass
```

## Fix safety
Safe: the fix moves every `@receiver` above the other decorators, keeping the
order within each group — the behaviour the code was written for. A comment at the
end of a decorator's line moves with it; the fix is unsafe when a comment sits on a
line of its own between the decorators (it would stay behind).

## Peers
ruff `DJ013` (django-non-leading-receiver-decorator) flags the same decorators: the
first `@receiver` of each run below another decorator. SonarQube has the same rule.

## References
- Django docs: Connecting receiver functions
  https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import call_parts
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._imports import resolve_dotted

RULE = Rule(
    code="DJV311",
    name="receiver-not-outermost",
    family=Family.STRUCTURE,
    severity=Severity.ERROR,
    fix=FixAvailability.ALWAYS,
    message="`@receiver` below another decorator registers the undecorated function",
    fix_title="Move `@receiver` to the top",
    requires_text=("receiver",),
)

_RECEIVER = ("django.dispatch.receiver", "django.dispatch.dispatcher.receiver")


@RULE.on("decorators")
def check_decorators(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    decorators = [d for d in node.children if d.type == "decorator"]
    flags = [_is_receiver(ctx, d) for d in decorators]
    fix = None
    previous_receiver = False
    for index, (decorator, is_receiver) in enumerate(
        zip(decorators, flags, strict=True)
    ):
        if is_receiver and index > 0 and not previous_receiver:
            fix = fix or _reorder(decorators, flags)
            yield RULE.diagnostic(ctx, decorator.children[1], fix=fix)
        previous_receiver = is_receiver


def _is_receiver(ctx: FileContext, decorator: Any) -> bool:
    parts = call_parts(decorator.children[1])
    return parts is not None and resolve_dotted(ctx, parts[0]) in _RECEIVER


def _reorder(decorators: list[Any], flags: list[bool]) -> Fix:
    ordered = [d for d, f in zip(decorators, flags, strict=True) if f] + [
        d for d, f in zip(decorators, flags, strict=True) if not f
    ]
    indent = " " * decorators[0].start_pos[1]
    text = "".join(
        ("" if i == 0 else indent) + d.get_code(include_prefix=False)
        for i, d in enumerate(ordered)
    )
    span = Span.between(decorators[0], decorators[-1])
    # A comment on a decorator's own line moves with it; one on a line of its own between
    # decorators is in the next decorator's prefix, and would be left behind.
    commented = any("#" in d.get_first_leaf().prefix for d in decorators[1:])
    applicability = Applicability.UNSAFE if commented else Applicability.SAFE
    return Fix.make(RULE.fix_title or "", [Edit(span, text)], applicability)
