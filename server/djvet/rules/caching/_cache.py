"""Questions the caching rules share: does the project use Django's cache at all, does
a cached value come from the database, what timeout does a `cache.set` give."""

from __future__ import annotations

import re
from typing import Any

from djvet.core.context import FileContext
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.project.cachekeys import CacheCall
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.querysets import Evaluator, Instance, QuerySetValue
from djvet.project.settings import UNKNOWN, effective_settings, evaluate, settings_index
from djvet.rules.caching._settings_helpers import mutated, nested_node

# Code that reads or writes Django's cache: the low-level API, per-view caching,
# template fragment caching and the per-site middleware.
_USES_CACHE = re.compile(
    r"django\.core\.cache\b|\bcache_page\b|django\.middleware\.cache\b"
)
_TEMPLATE_CACHE = re.compile(r"\{%\s*load\s+[^%]*\bcache\b")
# Settings values that make Django or common apps store data in the default cache.
_SETTINGS_CACHE = re.compile(
    r"SESSION_ENGINE\s*=.*cache|DEFAULT_THROTTLE_CLASSES|[\"'](axes|django_ratelimit|ratelimit|"
    r"cachalot|cacheops|constance)[\"']"
)


def _build_usage(project: ProjectIndex) -> bool:
    for path in project.files():
        roles = project.roles(path, "")
        if roles & (FileRole.TESTS | FileRole.MIGRATIONS):
            continue
        text = project.read(path) or ""
        if path.endswith(".py"):
            if _USES_CACHE.search(text) or _SETTINGS_CACHE.search(text):
                return True
        elif _TEMPLATE_CACHE.search(text):
            return True
    return False


register_fact("cache-usage", FileRole.PYTHON | FileRole.TEMPLATES)


def uses_cache_framework(project: ProjectIndex) -> bool:
    """Whether anything in the project caches through Django's cache framework."""
    return project.fact("cache-usage", _build_usage)


# -- values ----------------------------------------------------------------------------
_ORM_CALL = re.compile(
    r"\.objects\b|\._default_manager\b|\.(filter|exclude|annotate|aggregate|"
    r"values_list|select_related|prefetch_related|order_by)\("
)


def cached_value(call: CacheCall) -> Any | None:
    """The node of the value a write stores (`get_or_set`'s default, maybe a callable)."""
    if call.method in ("get_or_set", "aget_or_set"):
        return call.argument(1, "default")
    if call.method in ("set_many", "aset_many"):
        return call.argument(0, "data")
    return call.argument(1, "value")


def query_derived(
    ctx: FileContext, call: CacheCall, evaluator: Evaluator | None = None
) -> bool:
    """Whether the value a cache write stores comes from the database: a queryset or
    instance, or a variable of the function that computes it with the ORM."""
    value = cached_value(call)
    if value is None:
        return False
    function = _enclosing_function(call.node)
    regions = [value.children[-1] if value.type == "lambdef" else value]
    local_names = _local_names(function) if function is not None else set()
    for name in iter_nodes(value, {"name"}):
        # A variable computed earlier in the function (the function's own queries
        # count), or a function of this module passed to `get_or_set`.
        if name.value in local_names:
            regions.append(function)
        local = _local_function(ctx.tree, name.value)
        if local is not None:
            regions.append(local)
    evaluator = evaluator or Evaluator(ctx.project, ctx.path, ctx.tree)
    return any(_queries(region, evaluator) for region in dict.fromkeys(regions))


def _local_names(function: Any) -> set[str]:
    return {n.value for n in iter_nodes(function, {"name"}) if n.is_definition()}


def _queries(region: Any, evaluator: Evaluator) -> bool:
    if _ORM_CALL.search(region.get_code()):
        return True
    for node in iter_nodes(region, {"atom_expr", "power"}):
        if isinstance(evaluator.value(node), (QuerySetValue, Instance)):
            return True
    return False


def _local_function(tree: Any, name: str) -> Any | None:
    for function in tree.iter_funcdefs():
        if function.name.value == name:
            return function
    return None


def _enclosing_function(node: Any) -> Any | None:
    parent = node.parent
    while parent is not None and parent.type not in ("funcdef", "file_input"):
        parent = parent.parent
    return parent if parent is not None and parent.type == "funcdef" else None


# -- timeouts --------------------------------------------------------------------------
_TIMEOUT_POSITION = {
    "set": 2,
    "add": 2,
    "get_or_set": 2,
    "aset": 2,
    "aadd": 2,
    "aget_or_set": 2,
    "set_many": 1,
    "aset_many": 1,
    "touch": 1,
    "atouch": 1,
}


def timeout_node(call: CacheCall) -> Any | None:
    """The node of the timeout argument of a write, or None when it is left out."""
    position = _TIMEOUT_POSITION.get(call.method)
    return call.argument(position, "timeout") if position is not None else None


def timeout_seconds(node: Any | None) -> Any:
    """The timeout's value (`None`: forever, a number of seconds, `60 * 15` computed),
    UNKNOWN when djvet cannot tell, `...` when it is left out (the cache's default)."""
    if node is None:
        return ...
    if node.type == "name":
        # `CACHE_TIMEOUT = 60 * 15` at module level
        definition = _module_assignment(node.get_root_node(), node.value)
        return evaluate(definition) if definition is not None else UNKNOWN
    return evaluate(node)


def _module_assignment(tree: Any, name: str) -> Any | None:
    found = None
    for child in tree.children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            stmt = child.children[0]
            if (
                len(stmt.children) == 3
                and stmt.children[0].type == "name"
                and stmt.children[0].value == name
                and stmt.children[1] == "="
            ):
                found = stmt.children[2]
    return found


def default_timeout(ctx: FileContext) -> Any:
    """`CACHES["default"]["TIMEOUT"]` of the production settings: seconds, None, or
    Django's 300 when unset; UNKNOWN when the views disagree or djvet cannot read it."""
    key = "caching-default-timeout"
    if key not in ctx.cache:
        ctx.cache[key] = _default_timeout(ctx.project)
    return ctx.cache[key]


def _default_timeout(project: ProjectIndex) -> Any:
    found = set()
    for module in settings_index(project).production_views():
        settings = effective_settings(project, module)
        caches = settings.get("CACHES")
        if caches is None:
            found.add(300)
            continue
        if caches.conditional or mutated(project, settings, "CACHES"):
            return UNKNOWN
        if isinstance(caches.value, dict):
            default = caches.value.get("default")
            value = (
                default.get("TIMEOUT", 300) if isinstance(default, dict) else UNKNOWN
            )
        else:
            node = nested_node(caches.value_node, "default", "TIMEOUT")
            value = (
                300 if node is None else UNKNOWN if node is UNKNOWN else evaluate(node)
            )
        if value is UNKNOWN:
            return UNKNOWN
        found.add(value)
    return found.pop() if len(found) == 1 else UNKNOWN
