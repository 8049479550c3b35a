"""
## What it does
Flags Django serving files from `urlpatterns` outside an `if settings.DEBUG:` (or any
other) guard: the `django.views.static.serve` view routed with `path()`/`re_path()`,
and `static()` / `staticfiles_urlpatterns()` added to the patterns. A urlconf that only
test or development settings name as `ROOT_URLCONF` (a test project's) is left alone.

## Why is this bad?
`django.views.static.serve` reads files in the request thread, without caching headers,
compression or range requests, and Django's docs call it "grossly inefficient and
probably insecure" — yet it works whatever `DEBUG` says, so routing it serves uploads
from every worker in production. `static()` and `staticfiles_urlpatterns()` return
nothing when `DEBUG` is off: unguarded, they look like the production setup while the
files are really missing there. Serve static files with WhiteNoise or the web server,
and media from the web server or object storage.

## Example
```python
from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
```

## Use instead
```python
from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

urlpatterns = []

if settings.DEBUG:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
```

## References
- Serving files in development: https://docs.djangoproject.com/en/stable/howto/static-files/#serving-files-uploaded-by-a-user-during-development
- Deploying static files: https://docs.djangoproject.com/en/stable/howto/static-files/deployment/
- WhiteNoise: https://whitenoise.readthedocs.io/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Span
from djvet.core.parso_utils import call_arguments, dotted_name, iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.modules import imported_module
from djvet.project.settings import dotted_name as module_name
from djvet.project.settings import effective_settings, settings_index

RULE = Rule(
    code="DJV501",
    name="static-served-by-django",
    family=Family.STATIC,
    message="`django.views.static.serve` is routed outside a `DEBUG` guard; Django serves files in production",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS | FileRole.SETTINGS,
)
SERVE = "django.views.static.serve"
HELPERS = {
    "django.conf.urls.static.static": "`static()`",
    "django.contrib.staticfiles.urls.staticfiles_urlpatterns": "`staticfiles_urlpatterns()`",
}
_ROUTES = {"path", "re_path", "url"}


@RULE.on_module
def check_urlpatterns(ctx: FileContext) -> Iterator[Diagnostic]:
    if "urlpatterns" not in ctx.text or (
        "static" not in ctx.text and "serve" not in ctx.text
    ):
        return
    if _test_urlconf(ctx):
        return
    for node in iter_nodes(ctx.tree, {"atom_expr", "power"}):
        name = _called(node)
        if name is None or _guarded(node):
            continue
        target = imported_module(ctx.tree, name, ctx.path)
        if target in HELPERS and _in_urlpatterns(node):
            yield RULE.diagnostic(
                ctx,
                Span.of(node),
                message=f"{HELPERS[target]} outside a `DEBUG` guard serves nothing in production; "
                "use WhiteNoise or the web server",
            )
        elif name in _ROUTES:
            view = _view_argument(node)
            if view is not None and _qualified(ctx, view) == SERVE:
                yield RULE.diagnostic(ctx, Span.of(view))


def _called(node: Any) -> str | None:
    """`static` for `static(...)`: a plain name called once."""
    children = node.children
    if (
        len(children) == 2
        and children[0].type == "name"
        and children[1].type == "trailer"
        and children[1].children[0] == "("
    ):
        return children[0].value
    return None


def _qualified(ctx: FileContext, node: Any) -> str | None:
    """`django.views.static.serve` for `serve` or `static.serve`, through the imports."""
    dotted = dotted_name(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    module = imported_module(ctx.tree, head, ctx.path)
    return None if module is None else f"{module}.{rest}" if rest else module


def _view_argument(node: Any) -> Any | None:
    trailer = node.children[1]
    positional, keywords = call_arguments(
        trailer.children[1] if len(trailer.children) == 3 else None
    )
    return keywords.get("view") or (positional[1] if len(positional) > 1 else None)


def _guarded(node: Any) -> bool:
    """Under an `if`, or in a conditional expression (`... if settings.DEBUG else []`)."""
    parent = node.parent
    while parent is not None and parent.type not in (
        "funcdef",
        "classdef",
        "file_input",
    ):
        if parent.type in ("if_stmt", "test"):
            return True
        parent = parent.parent
    return False


def _in_urlpatterns(node: Any) -> bool:
    """Part of the statement that builds `urlpatterns` (`urlpatterns = [...] + static(...)`,
    `urlpatterns += static(...)`, `urlpatterns.extend(static(...))`)."""
    statement = node.parent
    while statement is not None and statement.type not in (
        "expr_stmt",
        "simple_stmt",
        "file_input",
    ):
        statement = statement.parent
    if statement is None or statement.type == "file_input":
        return False
    first = statement.children[0]
    return first.get_code(include_prefix=False).startswith("urlpatterns")


def _test_urlconf(ctx: FileContext) -> bool:
    """The `ROOT_URLCONF` of test or development settings only (`wagtail.test.urls`):
    production never routes it."""
    production, others = ctx.project.fact("root-urlconfs", _root_urlconfs)
    name = module_name(ctx.path)
    return name in others and name not in production


register_fact("root-urlconfs", FileRole.SETTINGS)


def _root_urlconfs(project: ProjectIndex) -> tuple[frozenset[str], frozenset[str]]:
    """(the `ROOT_URLCONF`s of production settings, those of the other settings)."""
    index = settings_index(project)
    production_paths = {m.path for m in index.production_views()}
    production, others = set(), set()
    for module in index.modules.values():
        value = effective_settings(project, module).value("ROOT_URLCONF")
        if isinstance(value, str):
            (production if module.path in production_paths else others).add(value)
    return frozenset(production), frozenset(others)
