"""
## What it does
Flags `cache.set()` (also `add`, `get_or_set`, `set_many`) of database data under a
literal key (`"popular_products"`, or a module constant holding it) that nothing in the
project ever deletes: no `cache.delete()`/`delete_many()` naming the key in any module
(signal handlers, tasks, services), no matching `delete_pattern()`, no `cache.clear()`,
and no signal handler, task or command that writes the key again.

Entries that expire within five minutes (Django's default timeout, which applies when
the call gives none) are left alone: short expiry is their invalidation. So are keys
whose timeout djvet cannot compute, and keys whose text is used anywhere else in the
project (they may be handed to code that deletes them). Test modules do not count.

## Why is this bad?
The cached rows go stale as soon as someone edits them, and every process keeps serving
the old data until the entry expires — or forever with `timeout=None`. Stale caches
cause bugs that are hard to reproduce: the page is right after a restart, wrong after an
edit.

## Example
```python
from django.core.cache import cache

from shop.models import Product


def popular_products():
    products = cache.get("popular_products")
    if products is None:
        products = list(Product.objects.order_by("-sales")[:20])
        cache.set("popular_products", products, 60 * 60)
    return products
```

## Use instead
```python
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.models import Product


def popular_products():
    products = cache.get("popular_products")
    if products is None:
        products = list(Product.objects.order_by("-sales")[:20])
        cache.set("popular_products", products, 60 * 60)
    return products


@receiver([post_save, post_delete], sender=Product)
def invalidate_popular_products(sender, **kwargs):
    cache.delete("popular_products")
```

## References
- Django's cache API: https://docs.djangoproject.com/en/stable/topics/cache/#the-low-level-cache-api
- Signals: https://docs.djangoproject.com/en/stable/ref/signals/#post-save
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.project.cachekeys import (
    MANY_SETTERS,
    SETTERS,
    cache_keys,
    iter_cache_calls,
    key_items,
    key_of,
    module_constants,
)
from djvet.project.querysets import Evaluator
from djvet.rules.caching._cache import (
    default_timeout,
    query_derived,
    timeout_node,
    timeout_seconds,
)

RULE = Rule(
    code="DJV402",
    name="cache-never-invalidated",
    family=Family.CACHING,
    message="Cache key is never deleted; edits leave the cached rows stale",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS | FileRole.SETTINGS,
)
# seconds (Django's default timeout): such entries refresh by expiring
SHORT_EXPIRY = 300


def _long_lived(timeout: object) -> bool:
    """Forever (`None`) or longer than SHORT_EXPIRY; an unknown timeout is left alone."""
    if timeout is None:
        return True
    return (
        isinstance(timeout, (int, float))
        and not isinstance(timeout, bool)
        and timeout > SHORT_EXPIRY
    )


@RULE.on_module
def check_cache_writes(ctx: FileContext) -> Iterator[Diagnostic]:
    if "cache" not in ctx.text:
        return
    constants = module_constants(ctx.tree)
    index = None
    evaluator = None
    for call in iter_cache_calls(ctx.tree):
        if call.method not in SETTERS | MANY_SETTERS:
            continue
        timeout = timeout_seconds(timeout_node(call))
        if timeout is ...:
            timeout = default_timeout(ctx)
        if not _long_lived(timeout):
            continue
        first = call.argument(0, "data" if call.method in MANY_SETTERS else "key")
        keys = (
            key_items(first, constants)
            if call.method in MANY_SETTERS
            else [key_of(first, constants)]
        )
        keys = [k for k in keys or () if k is not None and k.kind == "literal"]
        if not keys:
            continue
        index = index or cache_keys(ctx.project)
        stale = [k for k in keys if not index.invalidated(k) and not index.refreshed(k)]
        if not stale:
            continue
        evaluator = evaluator or Evaluator(ctx.project, ctx.path, ctx.tree)
        if not query_derived(ctx, call, evaluator):
            continue
        forever = " and never expires" if timeout is None else ""
        shown = (
            f"`{stale[0].value}`"
            if len(stale[0].value) <= 40
            else f"`{stale[0].value[:37]}...`"
        )
        more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
        yield RULE.diagnostic(
            ctx,
            Span.of(first),
            message=f"Cache key {shown}{more} is never deleted{forever}; edits leave the cached rows stale",
        )
