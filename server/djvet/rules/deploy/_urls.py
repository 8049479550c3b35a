"""The root URLconf and its health-check routes, read statically across includes."""

from __future__ import annotations

import re
from typing import Any

from djvet.core.context import FileContext
from djvet.core.parso_utils import (
    call_arguments,
    code_of,
    iter_nodes,
    string_value,
    top_level_assignments,
)
from djvet.project.index import ProjectIndex
from djvet.project.modules import (
    dotted_name,
    imported_module,
    imported_symbol,
    module_map,
    tree_of,
)
from djvet.project.settings import effective_settings, settings_index

HEALTH_PACKAGES = (
    "health_check",
    "watchman",
    "django_alive",
    "alive",
    "django_healthchecks",
    "ht",
    "django_probes",
    "kubernetes_healthcheck",
)
_HEALTH_WORDS = r"health|healthz|healthcheck|health[-_]check|ping|heartbeat|liveness|readiness|alive"
# The last segment of a route (`healthz/`, `api/status/`, `^ping/?$`); "status" and "ready"
# only there, since a route *named* "status" is as often a page showing a status.
_HEALTH_ROUTE = re.compile(rf"(^|[/^])({_HEALTH_WORDS}|status|ready)/?\??\$?$", re.I)
_HEALTH_NAME = re.compile(rf"^({_HEALTH_WORDS})([-_](check|endpoint|view))?$", re.I)
_DATABASE = re.compile(
    r"\bconnections?\b|\.objects\b|cursor\s*\(|ensure_connection|\.exists\s*\(|\.count\s*\("
)
_ROUTES = {"path", "re_path", "url"}
MAX_DEPTH = 4


def urlpatterns_leaf(tree: Any) -> Any | None:
    for name, _value in top_level_assignments(tree):
        if name.value == "urlpatterns":
            return name
    return None


def is_root_urlconf(ctx: FileContext) -> bool:
    """The module `ROOT_URLCONF` of the production settings names (test and development
    settings do not count: their URLconfs are not deployed)."""
    index = settings_index(ctx.project)
    roots = set()
    for module in index.production_views():
        value = effective_settings(ctx.project, module).value("ROOT_URLCONF")
        path = (
            module_map(ctx.project).path_of(value) if isinstance(value, str) else None
        )
        if path:
            roots.add(path)
    if (
        not roots
        and not any(m.environment != "base" for m in index.modules.values())
        and not index.production_views()
    ):
        return _only_top_urlconf(ctx)
    return ctx.path in roots


def _only_top_urlconf(ctx: FileContext) -> bool:
    """Without a readable `ROOT_URLCONF`: the one `urls.py` no other URLconf includes."""
    urlconfs = [
        p for p in ctx.project.python_files() if p.endswith(("/urls.py", "\\urls.py"))
    ]
    texts = {p: ctx.project.read(p) or "" for p in urlconfs}
    top = [
        p
        for p in urlconfs
        if not any(q != p and dotted_name(p) in texts[q] for q in urlconfs)
    ]
    return top == [ctx.path]


def health_routes(ctx: FileContext) -> str | None:
    """None when a route checks the database (or djvet cannot tell); the route of a
    health endpoint that does not touch the database; "" when there is no such route."""
    seen: set[str] = set()
    found = _walk(ctx.project, ctx.path, ctx.tree, 0, seen)
    return found


def _walk(
    project: ProjectIndex, path: str, tree: Any, depth: int, seen: set[str]
) -> str | None:
    seen.add(path)
    shallow = ""
    for node in iter_nodes(tree, {"atom_expr", "power"}):
        call = _route_call(node)
        if call is None:
            continue
        route, view, name = call
        if view is None:
            continue
        included = _include_target(view)
        if included is not None:
            if included.startswith(HEALTH_PACKAGES):
                return None
            target = module_map(project).path_of(included)
            if target and target not in seen and depth < MAX_DEPTH:
                inner = tree_of(project, target)
                result = (
                    _walk(project, target, inner, depth + 1, seen)
                    if inner is not None
                    else None
                )
                if result is None:
                    return None
                shallow = shallow or result
            continue
        if not (_HEALTH_ROUTE.search(route) or _HEALTH_NAME.search(name)):
            continue
        verdict = _view_touches_database(project, path, tree, view)
        if verdict is not False:
            return None
        shallow = shallow or (route or name or "health")
    return shallow


def _route_call(node: Any) -> tuple[str, Any, str] | None:
    children = node.children
    if (
        len(children) != 2
        or children[0].type != "name"
        or children[0].value not in _ROUTES
    ):
        return None
    trailer = children[1]
    if trailer.children[0] != "(" or len(trailer.children) != 3:
        return None
    positional, keywords = call_arguments(trailer.children[1])
    route = string_value(positional[0]) if positional else None
    view = keywords.get("view", positional[1] if len(positional) > 1 else None)
    name = string_value(keywords["name"]) if "name" in keywords else ""
    return route or "", view, name or ""


def _include_target(view: Any) -> str | None:
    """`include("app.urls")` / `include(("app.urls", "app"))`: the module name."""
    if (
        view.type not in ("atom_expr", "power")
        or code_of(view.children[0]) != "include"
    ):
        return None
    positional, _ = call_arguments(
        view.children[-1].children[1] if len(view.children[-1].children) == 3 else None
    )
    if not positional:
        return ""
    first = positional[0]
    text = string_value(first)
    if text is None and first.type == "atom":
        inner = (
            [c for c in first.children[1].children if c != ","]
            if first.children[1].type == "testlist_comp"
            else []
        )
        text = string_value(inner[0]) if inner else None
    return text if text is not None else ""


def _view_touches_database(
    project: ProjectIndex, path: str, tree: Any, view: Any
) -> bool | None:
    """Whether the view's source touches the database; None when it cannot be read."""
    definition = _definition(project, path, tree, view)
    if definition is None:
        return None
    return bool(_DATABASE.search(code_of(definition)))


def _definition(project: ProjectIndex, path: str, tree: Any, view: Any) -> Any | None:
    text = code_of(view)
    text = re.sub(r"\.as_view\(.*\)$", "", text, flags=re.S)
    if not re.fullmatch(r"[\w.]+", text):
        return None
    head, _, rest = text.partition(".")
    source_path, source_tree, name = path, tree, text
    if rest:
        module = imported_module(tree, head, path)
        if module is None:
            return None
        source_path = module_map(project).path_of(
            module + ("." + rest.rpartition(".")[0] if "." in rest else "")
        )
        name = rest.rpartition(".")[2]
    else:
        symbol = imported_symbol(tree, head, path)
        if symbol is not None:
            if symbol[0].startswith(HEALTH_PACKAGES):
                return tree  # a health package's view: counts as a database check
            source_path, name = module_map(project).path_of(symbol[0]), symbol[1]
    # follow re-exports (`from .admin.status import ping` in views/__init__.py)
    for _ in range(3):
        if not source_path:
            return None
        source_tree = tree if source_path == path else tree_of(project, source_path)
        if source_tree is None:
            return None
        for node in source_tree.children:
            target = node.children[-1] if node.type == "decorated" else node
            if target.type in ("funcdef", "classdef") and target.name.value == name:
                return target
        symbol = imported_symbol(source_tree, name, source_path)
        if symbol is None:
            return None
        if symbol[0].startswith(HEALTH_PACKAGES):
            return source_tree
        source_path, name = module_map(project).path_of(symbol[0]), symbol[1]
    return None
