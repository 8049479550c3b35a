"""
## What it does
Flags production settings whose default cache is not shared between processes:
`LocMemCache`, `FileBasedCache` or `DummyCache` as `CACHES["default"]["BACKEND"]`,
or no `CACHES` at all (Django then uses `LocMemCache`) in a project that caches
(`django.core.cache`, `cache_page`, `{% load cache %}`, cached sessions, DRF
throttling).

## Why is this bad?
Production runs several worker processes, often on several machines. With
`LocMemCache` each process has its own cache: the hit rate drops with every worker,
`cache.delete()` in one process leaves stale entries in the others, and rate limits or
throttles count per process. `FileBasedCache` is shared only by the processes of one
machine, and `DummyCache` caches nothing at all.

## Example
```python
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}
```

## Use instead
```python
import os

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
    }
}
```

## Fix safety
Unsafe: the fix points the default cache at Redis (Django's own backend from 4.0,
`django-redis` before), read from `REDIS_URL`. Production then needs a Redis server and
the `redis` package, and backend-specific `OPTIONS` and `LOCATION` of the old cache are
dropped (`TIMEOUT`, `KEY_PREFIX`, `VERSION` and `KEY_FUNCTION` are kept).

## References
- Django cache backends: https://docs.djangoproject.com/en/stable/topics/cache/#setting-up-the-cache
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Span
from djvet.core.parso_utils import string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.caching._cache import uses_cache_framework
from djvet.rules.caching._settings_helpers import (
    dict_entries,
    mutated,
    nested_node,
    nested_value,
    version,
)
from djvet.rules.security._settings import (
    SettingProblem,
    env_expression,
    env_imports,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV401",
    name="process-local-cache-in-production",
    family=Family.CACHING,
    message="`CACHES` is not set, so each process keeps its own `LocMemCache`; use a shared cache",
    fix=FixAvailability.ALWAYS,
    fix_title="Use a Redis cache read from `REDIS_URL`",
    applies_to=FileRole.SETTINGS,
)
_BACKENDS = "django.core.cache.backends."
LOCAL = {
    f"{_BACKENDS}locmem.LocMemCache": "keeps a separate cache in each process",
    f"{_BACKENDS}filebased.FileBasedCache": "is not shared between servers",
    f"{_BACKENDS}dummy.DummyCache": "caches nothing",
}
# Options every backend understands; the rest belong to the old backend.
_KEPT = ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
_REDIS_URL = "redis://127.0.0.1:6379/1"


@RULE.on_module
def check_caches(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        caches = settings.get("CACHES")
        if caches is None:
            if uses_cache_framework(ctx.project):
                entry = _redis_entry(ctx, [], '"', indent="        ", closing="    ")
                block = f'CACHES = {{\n    "default": {entry},\n}}\n'
                yield SettingProblem(RULE.message, insert=block, edits=env_imports(ctx))
            return
        backend = nested_value(caches, "default", "BACKEND")
        if backend not in LOCAL or mutated(ctx.project, settings, "CACHES"):
            return
        short = backend.rsplit(".", 1)[-1]
        message = (
            f"`{short}` {LOCAL[backend]}; production needs a shared cache such as Redis"
        )
        default = nested_node(caches.value_node, "default")
        backend_node = nested_node(caches.value_node, "default", "BACKEND")
        if (
            default is None
            or not hasattr(default, "type")
            or string_value(backend_node) is None
        ):
            yield SettingProblem(message, caches)  # built in a way the fix cannot edit
            return
        yield SettingProblem(
            message,
            caches,
            span=Span.of(backend_node),
            edits=(_replace_default(ctx, default, backend_node),) + env_imports(ctx),
        )

    yield from settings_diagnostics(RULE, ctx, problems)


def _replace_default(ctx: FileContext, default: Any, backend_node: Any) -> Edit:
    kept = [
        (key, value) for key, _, value in dict_entries(default) or () if key in _KEPT
    ]
    quote = backend_node.value.lstrip("rRuU")[0]
    entries = dict_entries(default) or []
    if entries and entries[0][1].start_pos[0] != default.start_pos[0]:
        indent = " " * entries[0][1].start_pos[1]
        closing = " " * (
            len(ctx.document.lines[default.end_pos[0] - 1])
            - len(ctx.document.lines[default.end_pos[0] - 1].lstrip())
        )
        return Edit(
            Span.of(default),
            _redis_entry(ctx, kept, quote, indent=indent, closing=closing),
        )
    return Edit(Span.of(default), _redis_entry(ctx, kept, quote))


def _redis_entry(
    ctx: FileContext,
    kept: list[tuple[str, Any]],
    quote: str,
    *,
    indent: str | None = None,
    closing: str = "",
) -> str:
    """The new `"default": {...}` value: one entry per line when `indent` is given."""
    backend = (
        f"{_BACKENDS}redis.RedisCache"
        if version(ctx.project) >= (4, 0)
        else "django_redis.cache.RedisCache"
    )
    location = env_expression(ctx, "REDIS_URL", "str", _REDIS_URL)
    if quote == "'":
        location = location.replace('"', "'")
    items = [
        (f"{quote}BACKEND{quote}", f"{quote}{backend}{quote}"),
        (f"{quote}LOCATION{quote}", location),
    ]
    items += [
        (f"{quote}{key}{quote}", value.get_code(include_prefix=False))
        for key, value in kept
    ]
    if indent is None:
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    body = "".join(f"{indent}{k}: {v},\n" for k, v in items)
    return "{\n" + body + closing + "}"
