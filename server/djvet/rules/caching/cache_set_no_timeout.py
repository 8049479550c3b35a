"""
## What it does
Flags cache writes of database data that never expire: `cache.set(key, rows, None)`
(`timeout=None` on `set`, `add`, `get_or_set`, `set_many`), or a write without a timeout
when the production default cache has `"TIMEOUT": None`, and nothing in the project
deletes the key (`delete`, `delete_many`, a matching pattern or template, `clear`).

Keys built per object (`f"book:{pk}"`) count as deleted when any delete builds the same
template, or when the project has a delete djvet cannot read.

## Why is this bad?
An entry without expiry lives until it is evicted or deleted. If nothing deletes it,
the rows it holds are served stale for as long as the cache runs — after edits, after
deletions, after deployments that change their shape.

## Example
```python
from django.core.cache import cache

from shop.models import Category


def categories():
    return cache.get_or_set("categories", lambda: list(Category.objects.all()), None)
```

## Use instead
```python
from django.core.cache import cache

from shop.models import Category


def categories():
    return cache.get_or_set("categories", lambda: list(Category.objects.all()), 60 * 60)
```

## References
- Cache arguments (`TIMEOUT`): https://docs.djangoproject.com/en/stable/topics/cache/#cache-arguments
- `cache.set()`: https://docs.djangoproject.com/en/stable/topics/cache/#basic-usage
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Span
from djvet.core.parso_utils import code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.project.cachekeys import (
    MANY_SETTERS,
    SETTERS,
    CacheCall,
    CacheKeyIndex,
    Key,
    cache_keys,
    iter_cache_calls,
    key_items,
    key_of,
    module_constants,
)
from djvet.project.index import ProjectIndex
from djvet.project.querysets import Evaluator
from djvet.project.settings import UNKNOWN, effective_settings, settings_index
from djvet.rules.caching._cache import query_derived, timeout_node, timeout_seconds
from djvet.rules.caching._settings_helpers import mutated, nested_node

RULE = Rule(
    code="DJV404",
    name="cache-set-no-timeout",
    family=Family.CACHING,
    message="Database rows cached with `timeout=None` and never deleted: they never refresh",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS | FileRole.SETTINGS,
)


@RULE.on_module
def check_cache_writes(ctx: FileContext) -> Iterator[Diagnostic]:
    if "cache" not in ctx.text:
        return
    constants = module_constants(ctx.tree)
    index: CacheKeyIndex | None = None
    evaluator = None
    for call in iter_cache_calls(ctx.tree):
        if call.method not in SETTERS | MANY_SETTERS:
            continue
        node = timeout_node(call)
        timeout = timeout_seconds(node)
        if timeout is ... and _default_forever(ctx):
            message = (
                "Database rows cached without a timeout while the default cache's `TIMEOUT`"
                " is `None`; they never refresh"
            )
        elif timeout is None and node is not None:
            message = RULE.message
        else:
            continue
        index = index or cache_keys(ctx.project)
        if _may_be_deleted(call, constants, index):
            continue
        evaluator = evaluator or Evaluator(ctx.project, ctx.path, ctx.tree)
        if query_derived(ctx, call, evaluator):
            yield RULE.diagnostic(
                ctx, Span.of(node if node is not None else call.node), message=message
            )


def _may_be_deleted(
    call: CacheCall, constants: dict[str, str], index: CacheKeyIndex
) -> bool:
    first = call.argument(0, "data" if call.method in MANY_SETTERS else "key")
    keys: list[Key | None] | None = (
        key_items(first, constants)
        if call.method in MANY_SETTERS
        else [key_of(first, constants)]
    )
    if not keys or any(k is None for k in keys):
        # A key djvet cannot read: any delete in the project might match it.
        return (
            index.cleared
            or index.dynamic_deletes > 0
            or any(f.deleted or f.patterns for f in index.files.values())
        )
    return any(index.invalidated(k) for k in keys if k is not None)


def _default_forever(ctx: FileContext) -> bool:
    if "djv404-default" not in ctx.cache:
        ctx.cache["djv404-default"] = _default_timeout_is_none(ctx.project)
    return ctx.cache["djv404-default"]


def _default_timeout_is_none(project: ProjectIndex) -> bool:
    """Whether a production settings module sets `CACHES["default"]["TIMEOUT"] = None`."""
    for module in settings_index(project).production_views():
        settings = effective_settings(project, module)
        caches = settings.get("CACHES")
        if caches is None or caches.conditional or mutated(project, settings, "CACHES"):
            continue
        if isinstance(caches.value, dict):
            default = caches.value.get("default")
            if (
                isinstance(default, dict)
                and "TIMEOUT" in default
                and default["TIMEOUT"] is None
            ):
                return True
            continue
        node = nested_node(caches.value_node, "default", "TIMEOUT")
        if node is not None and node is not UNKNOWN and code_of(node) == "None":
            return True
    return False
