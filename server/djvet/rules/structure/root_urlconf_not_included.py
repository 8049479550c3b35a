"""
## What it does
Flags the root URLconf (the module `ROOT_URLCONF` names) when it routes straight to
the views of several apps instead of `include()`-ing each app's own `urls.py`.

The heuristic: among the `path()` / `re_path()` / `url()` entries of `urlpatterns`
(also `urlpatterns += [...]`), count the routes to a view — not `include(...)`, not
`admin.site.urls` or another `*.urls` — whose module belongs to an app of the
project. The module is flagged when at least 6 such routes reach views of at least
2 different apps. Routes to views of the project package itself (a home page, a
health check) do not count.

## Why is this bad?
Every app's URLs end up in one file that every change touches; apps cannot be
reused or mounted under another prefix, and URL names are not namespaced
(guide §3.5).

## Example
```python
from django.urls import path

from orders import views as order_views
from products import views as product_views

urlpatterns = [
    path("products/", product_views.product_list),
    path("products/<int:pk>/", product_views.product_detail),
    path("products/<int:pk>/reviews/", product_views.reviews),
    path("orders/", order_views.order_list),
    path("orders/<int:pk>/", order_views.order_detail),
    path("orders/<int:pk>/cancel/", order_views.cancel),
]
```

## Use instead
```python
from django.urls import include, path

urlpatterns = [
    path("products/", include("products.urls")),
    path("orders/", include("orders.urls")),
]
```

There is no automatic fix: each app needs its own `urls.py` with an `app_name`.

## References
- Django docs: Including other URLconfs
  https://docs.djangoproject.com/en/stable/topics/http/urls/#including-other-urlconfs

<!-- docs-example: skip (the example needs settings naming it ROOT_URLCONF and the apps; the fixture has them) -->
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import call_arguments, call_parts, iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.modules import dotted_name, imported_module, module_map
from djvet.project.settings import effective_settings, settings_index

RULE = Rule(
    code="DJV307",
    name="root-urlconf-not-included",
    family=Family.STRUCTURE,
    severity=Severity.INFORMATION,
    fix=FixAvailability.NEVER,
    message="Root URLconf routes to the views of several apps; `include()` each app's `urls.py`",
    applies_to=FileRole.URLS | FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)

MIN_ROUTES = 6
MIN_APPS = 2
_ROUTES = ("path", "re_path", "url")


@RULE.on_module
def check_root_urlconf(ctx: FileContext) -> Iterator[Diagnostic]:
    if "urlpatterns" not in ctx.text or not _is_root(ctx):
        return
    apps = _workspace_apps(ctx)
    own = dotted_name(ctx.path).rsplit(".", 1)[0]
    per_app: dict[str, int] = {}
    anchor = None
    for name, value in _urlpatterns(ctx):
        anchor = anchor or name
        for route in iter_nodes(value, {"atom_expr", "power"}):
            app = _route_app(ctx, route, apps)
            if app is not None and app != own and not own.startswith(app + "."):
                per_app[app] = per_app.get(app, 0) + 1
    if anchor is None or sum(per_app.values()) < MIN_ROUTES or len(per_app) < MIN_APPS:
        return
    listed = ", ".join(f"`{a}`" for a in sorted(per_app)[:4])
    message = (
        f"Root URLconf routes {sum(per_app.values())} views of {len(per_app)} apps ({listed}) "
        "without `include()`"
    )
    yield RULE.diagnostic(
        ctx, anchor, message=message if len(message) <= 100 else RULE.message
    )


def _is_root(ctx: FileContext) -> bool:
    index = settings_index(ctx.project)
    names: set[str] = set()
    for module in index.modules.values():
        value = effective_settings(ctx.project, module).value("ROOT_URLCONF")
        if isinstance(value, str):
            names.add(value)
    modules = module_map(ctx.project)
    return any(modules.path_of(name) == ctx.path for name in names)


def _workspace_apps(ctx: FileContext) -> list[str]:
    root = str(ctx.project.root)
    return sorted(
        (
            a.name
            for a in model_graph(ctx.project).apps
            if a.path and a.path.startswith(root)
        ),
        key=len,
        reverse=True,
    )


def _urlpatterns(ctx: FileContext) -> Iterator[tuple[Any, Any]]:
    """`urlpatterns = [...]` and `urlpatterns += [...]` at module level (not the routes
    added under `if settings.DEBUG:`)."""
    for child in ctx.tree.children:
        if child.type != "simple_stmt":
            continue
        for node in child.children:
            target = node.children[0] if node.type == "expr_stmt" else None
            if (
                target is not None
                and target.type == "name"
                and target.value == "urlpatterns"
            ):
                yield target, node.children[-1]


def _route_app(ctx: FileContext, node: Any, apps: list[str]) -> str | None:
    """The app whose view a `path(...)` entry routes to, or None."""
    parts = call_parts(node)
    if parts is None or parts[0].rsplit(".", 1)[-1] not in _ROUTES:
        return None
    positional, keywords = call_arguments(parts[1])
    view = keywords.get("view") or (positional[1] if len(positional) > 1 else None)
    if view is None:
        return None
    code = view.get_code(include_prefix=False)
    if (
        "include(" in code
        or code.endswith(".urls")
        or code.strip().startswith(("[", "("))
    ):
        return None
    head = view.children[0] if view.type in ("atom_expr", "power") else view
    if head.type != "name":
        return None
    module = imported_module(ctx.tree, head.value, ctx.path)
    if module is None:
        return None
    return next(
        (app for app in apps if module == app or module.startswith(app + ".")), None
    )
