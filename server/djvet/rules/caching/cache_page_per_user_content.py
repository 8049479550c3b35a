"""
## What it does
Flags `@cache_page` on a view that reads `request.user` or `request.session` (or is
guarded by `login_required`, `permission_required`, `user_passes_test` or an access
mixin) when no `vary_on_cookie` — or `vary_on_headers("Cookie")`,
`cache_control(private=True)`, `never_cache` — sits below it. Class-based views
decorated with `method_decorator(cache_page(...), name="dispatch")` are checked too;
reads in methods that only handle writes (`post`, `perform_create`, `form_valid`, ...)
do not count, since `cache_page` stores only GET and HEAD responses.

## Why is this bad?
`cache_page` stores the first response for a URL and serves it to everyone who asks
for the same URL. If the page depends on who is logged in, the next visitor gets the
first visitor's page: their name, their basket, their private data. A login check under
`cache_page` is skipped on a cache hit, so anonymous visitors see a member's page.
The session middleware adds `Vary: Cookie` only after `cache_page` has stored the
response, so it does not help; `vary_on_cookie` below `cache_page` keys the cache by
the session cookie.

## Example
```python
from django.shortcuts import render
from django.views.decorators.cache import cache_page


@cache_page(60 * 15)
def dashboard(request):
    return render(request, "dashboard.html", {"orders": request.user.orders.all()})
```

## Use instead
```python
from django.shortcuts import render
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie


@cache_page(60 * 15)
@vary_on_cookie
def dashboard(request):
    return render(request, "dashboard.html", {"orders": request.user.orders.all()})
```

## Fix safety
Unsafe: the cache then keeps one copy of the page per cookie header, so it holds more
entries and hits less often (any cookie, analytics ones included, makes a new entry).
For pages that differ per user that is the point; if the view only reads the user for
something that does not change the page, remove the read instead.

## References
- Per-view cache: https://docs.djangoproject.com/en/stable/topics/cache/#the-per-view-cache
- Vary headers: https://docs.djangoproject.com/en/stable/topics/cache/#using-vary-headers
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_at
from djvet.core.model import Diagnostic, Fix, Span
from djvet.core.parso_utils import call_arguments, code_of, iter_nodes
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import import_edits, imported_from

RULE = Rule(
    code="DJV403",
    name="cache-page-per-user-content",
    family=Family.CACHING,
    message="`@cache_page` on a view that reads `request.user` without `vary_on_cookie`",
    fix=FixAvailability.ALWAYS,
    fix_title="Add `@vary_on_cookie` below `@cache_page`",
)
_SAFE = ("vary_on_cookie", "never_cache")
_AUTH_DECORATORS = {"login_required", "permission_required", "user_passes_test",
                    "staff_member_required", "superuser_required", "permission_required_or_403"}
_AUTH_MIXINS = {"LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin",
                "AccessMixin", "StaffuserRequiredMixin", "SuperuserRequiredMixin"}


@RULE.on("decorated")
def check_cached_view(ctx: FileContext, decorated: Any) -> Iterator[Diagnostic]:
    if "cache_page" not in ctx.text or imported_from(ctx, "cache_page") != "django.views.decorators.cache":
        return
    decorators = _decorators(decorated)
    position = next((i for i, d in enumerate(decorators) if _inner_call(d) == "cache_page"), None)
    if position is None:
        return
    below = decorators[position + 1:]
    if any(_prevents_sharing(d) for d in below):
        return
    target = decorated.children[1]
    target = target.children[-1] if target.type == "async_funcdef" else target
    reason = _per_user(target, below)
    if reason is None:
        return
    cached = decorators[position]
    yield RULE.diagnostic(
        ctx, Span.of(cached),
        message=f"`@cache_page` on a view that {reason} without `vary_on_cookie`; users share pages",
        fix=_fix(ctx, cached))


def _decorators(decorated: Any) -> list[Any]:
    first = decorated.children[0]
    return list(first.children) if first.type == "decorators" else [first]


def _expression(decorator: Any) -> Any:
    """The expression after `@` (its first child is `@`, its last the newline)."""
    return decorator.children[1]


def _name(node: Any) -> str | None:
    """`cache_page` for `cache_page(...)`, `cache.cache_page(...)` or a bare name."""
    if node.type == "name":
        return node.value
    if node.type == "dotted_name":
        return node.children[-1].value
    if node.type not in ("atom_expr", "power") or node.children[0].type != "name":
        return None
    trailers = node.children[1:]
    if trailers and trailers[-1].children[0] == "(":
        trailers = trailers[:-1]
    if any(t.children[0] != "." for t in trailers):
        return None
    return trailers[-1].children[1].value if trailers else node.children[0].value


def _inner_call(decorator: Any) -> str | None:
    """The decorator's name, seen through `method_decorator(inner, ...)`."""
    expression = _expression(decorator)
    name = _name(expression)
    if name == "method_decorator" and expression.type in ("atom_expr", "power"):
        trailer = expression.children[-1]
        positional, _ = call_arguments(trailer.children[1] if len(trailer.children) == 3 else None)
        if positional:
            inner = positional[0]
            return _name(inner)
    return name


def _inner_node(decorator: Any) -> Any:
    expression = _expression(decorator)
    if _name(expression) == "method_decorator":
        trailer = expression.children[-1]
        positional, _ = call_arguments(trailer.children[1] if len(trailer.children) == 3 else None)
        return positional[0] if positional else expression
    return expression


def _prevents_sharing(decorator: Any) -> bool:
    """`vary_on_cookie`, `never_cache`, `vary_on_headers("Cookie")`,
    `cache_control(private=True)` (CacheMiddleware never stores private responses)."""
    name = _inner_call(decorator)
    code = code_of(_inner_node(decorator)).replace(" ", "")
    if name in _SAFE:
        return True
    if name == "vary_on_headers":
        return "cookie" in code.lower()
    return name == "cache_control" and "private=True" in code


def _per_user(target: Any, below: list[Any]) -> str | None:
    """Why the view's page depends on the visitor, or None."""
    for decorator in below:
        if _inner_call(decorator) in _AUTH_DECORATORS:
            return f"requires `{_inner_call(decorator)}`"
    if target.type == "classdef":
        bases = code_of(target.children[3]) if len(target.children) > 4 else ""
        mixin = next((m for m in _AUTH_MIXINS if m in bases), None)
        if mixin:
            return f"uses `{mixin}`"
        return _reads_user(target, {"self"})
    cls = target.parent
    while cls is not None and cls.type not in ("classdef", "file_input"):
        cls = cls.parent
    params = [p.name.value for p in target.get_params()]
    if cls is not None and cls.type == "classdef":
        # A method: the whole view class may read the user (`get_context_data`).
        return _reads_user(cls, {"self", *params[1:2]})
    return _reads_user(target, set(params[:1]))


# Methods that only run for POST/PUT/PATCH/DELETE, whose responses cache_page never stores.
_WRITE_METHODS = {"post", "put", "patch", "delete", "perform_create", "perform_update",
                  "perform_destroy", "create", "update", "partial_update", "destroy", "form_valid",
                  "form_invalid", "delete_object"}


def _reads_user(node: Any, requests: set[str]) -> str | None:
    """`request.user` / `request.session` (or `self.request.user`) anywhere in `node`,
    outside a class's write-only methods."""
    for chain in iter_nodes(node, {"atom_expr", "power"}):
        if node.type == "classdef" and _in_write_method(chain, node):
            continue
        path = _attribute_path(chain)
        if path[:2] == ["self", "request"]:
            path = path[1:]
        elif not path or path[0] not in requests or path[0] == "self":
            continue
        if len(path) > 1 and path[1] in ("user", "session"):
            return f"reads `request.{path[1]}`"
    return None


def _in_write_method(chain: Any, cls: Any) -> bool:
    parent = chain.parent
    while parent is not None and parent is not cls:
        if parent.type == "funcdef" and parent.name.value in _WRITE_METHODS:
            return True
        parent = parent.parent
    return False


def _attribute_path(chain: Any) -> list[str]:
    """`["self", "request", "user"]` for `self.request.user.pk` up to the first call."""
    head = chain.children[0]
    if head.type != "name":
        return []
    path = [head.value]
    for trailer in chain.children[1:]:
        if trailer.type != "trailer" or trailer.children[0] != ".":
            break
        path.append(trailer.children[1].value)
    return path


def _fix(ctx: FileContext, cached: Any) -> Fix:
    indent = " " * cached.start_pos[1]
    expression = _expression(cached)
    if _name(expression) == "method_decorator":
        _, keywords = call_arguments(expression.children[-1].children[1])
        name = keywords.get("name")
        suffix = f", name={code_of(name)}" if name is not None else ""
        line = f"{indent}@method_decorator(vary_on_cookie{suffix})\n"
    else:
        line = f"{indent}@vary_on_cookie\n"
    edits = [insert_at(cached.end_pos[0] - 1, 0, line)]
    edits += import_edits(ctx, "django.views.decorators.vary", "vary_on_cookie")
    return Fix.unsafe(RULE.fix_title, *edits)
