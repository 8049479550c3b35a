"""
## What it does
Flags a view that does the work of a service: it writes to the database at three
or more places, touching two or more models.

The heuristic, measured: in a view module (`views.py`, `views/`, `api.py`,
`viewsets.py`), every function taking `request` and every method of a view class
handling a request (`get`, `post`, `form_valid`, `perform_create`, DRF actions...)
counts its ORM write call sites — `create`, `bulk_create`, `bulk_update`, `update`,
`delete`, `get_or_create`, `update_or_create` on a manager or queryset, `save` and
`delete` on a model instance, `add`/`remove`/`set`/`clear`/`create` on a related
manager — with the model each writes to, as djvet's queryset analysis resolves it.
A view is flagged at 3 write sites over at least 2 models. `form.save()` and
`serializer.save()` are the view's own job and do not count, and neither do writes
djvet cannot tie to a model. On the corpora djvet is tried on (NetBox, Saleor,
BookWyrm, healthchecks, Baby Buddy), that threshold picks out views that build an
order, merge records or import data, and leaves CRUD views alone.

## Why is this bad?
Logic in a view can only run through HTTP: a management command, a Celery task or a
test has to fake a request to reuse it, and the next view copies it instead. A
service function (`services/orders.py`) takes plain arguments, is tested directly,
and keeps the view to request in, response out (guide §3.3).

## Example
```python
from django.shortcuts import redirect

from shop.models import Cart, Order, OrderItem


def create_order(request):
    cart = Cart.objects.get(user=request.user)
    order = Order.objects.create(user=request.user, total=cart.total)
    for item in cart.items.all():
        OrderItem.objects.create(order=order, product=item.product, qty=item.qty)
    cart.items.all().delete()
    return redirect("order-detail", order.id)
```

## Use instead
```python
from django.shortcuts import redirect

from shop.services import create_order_from_cart


def create_order(request):
    order = create_order_from_cart(request.user)
    return redirect("order-detail", order.id)
```

There is no automatic fix: what belongs in the service is a design decision.

## References
- Guide §3.3, "Keep Business Logic Out of Views"

<!-- docs-example: skip (the example needs the models of a project; the fixture has them) -->
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._writes import orm_writes, view_functions

RULE = Rule(
    code="DJV305",
    name="business-logic-in-view",
    family=Family.STRUCTURE,
    severity=Severity.INFORMATION,
    fix=FixAvailability.NEVER,
    message="View with business logic: several ORM writes over several models; move it to a service",
    applies_to=FileRole.VIEWS,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)

MIN_WRITES = 3
MIN_MODELS = 2


@RULE.on_module
def check_views(ctx: FileContext) -> Iterator[Diagnostic]:
    for function in view_functions(ctx):
        writes = orm_writes(ctx, function)
        models = sorted({model for model, _ in writes})
        if len(writes) < MIN_WRITES or len(models) < MIN_MODELS:
            continue
        yield RULE.diagnostic(
            ctx,
            function.name,
            message=_message(function.name.value, len(writes), models),
        )


def _message(view: str, writes: int, models: list[str]) -> str:
    """The longest message within 100 characters: fewer model names, then none."""
    names = [f"`{m.rsplit('.', 1)[-1]}`" for m in models]
    for shown in (3, 2, 1):
        listed = ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")
        message = f"View `{view}` writes {writes} times to {len(models)} models ({listed}); use a service"
        if len(message) <= 100:
            return message
    return RULE.message
