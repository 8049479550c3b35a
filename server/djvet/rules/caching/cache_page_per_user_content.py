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
from djvet.core.parso_utils import call_arguments, code_of
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.caching._views import (
    decorator_expression,
    decorator_name,
    decorators_of,
    inner_name,
    inner_node,
    reads_user,
)
from djvet.rules.security._code import import_edits, imported_from

RULE = Rule(
    code="DJV403",
    name="cache-page-per-user-content",
    family=Family.CACHING,
    message="`@cache_page` on a view that reads `request.user` without `vary_on_cookie`",
    fix=FixAvailability.ALWAYS,
    fix_title="Add `@vary_on_cookie` below `@cache_page`",
    requires_text=("cache_page",),
)
_SAFE = ("vary_on_cookie", "never_cache")
_AUTH_DECORATORS = {
    "login_required",
    "permission_required",
    "user_passes_test",
    "staff_member_required",
    "superuser_required",
    "permission_required_or_403",
}
_AUTH_MIXINS = {
    "LoginRequiredMixin",
    "PermissionRequiredMixin",
    "UserPassesTestMixin",
    "AccessMixin",
    "StaffuserRequiredMixin",
    "SuperuserRequiredMixin",
}


@RULE.on("decorated")
def check_cached_view(ctx: FileContext, decorated: Any) -> Iterator[Diagnostic]:
    if (
        "cache_page" not in ctx.text
        or imported_from(ctx, "cache_page") != "django.views.decorators.cache"
    ):
        return
    decorators = decorators_of(decorated)
    position = next(
        (i for i, d in enumerate(decorators) if inner_name(d) == "cache_page"), None
    )
    if position is None:
        return
    below = decorators[position + 1 :]
    if any(_prevents_sharing(d) for d in below):
        return
    target = decorated.children[1]
    target = target.children[-1] if target.type == "async_funcdef" else target
    reason = _per_user(target, below)
    if reason is None:
        return
    cached = decorators[position]
    yield RULE.diagnostic(
        ctx,
        Span.of(cached),
        message=f"`@cache_page` on a view that {reason} without `vary_on_cookie`; users share pages",
        fix=_fix(ctx, cached),
    )


def _prevents_sharing(decorator: Any) -> bool:
    """`vary_on_cookie`, `never_cache`, `vary_on_headers("Cookie")`,
    `cache_control(private=True)` (CacheMiddleware never stores private responses)."""
    name = inner_name(decorator)
    code = code_of(inner_node(decorator)).replace(" ", "")
    if name in _SAFE:
        return True
    if name == "vary_on_headers":
        return "cookie" in code.lower()
    return name == "cache_control" and "private=True" in code


def _per_user(target: Any, below: list[Any]) -> str | None:
    """Why the view's page depends on the visitor, or None."""
    for decorator in below:
        if inner_name(decorator) in _AUTH_DECORATORS:
            return f"requires `{inner_name(decorator)}`"
    if target.type == "classdef":
        bases = code_of(target.children[3]) if len(target.children) > 4 else ""
        mixin = next((m for m in _AUTH_MIXINS if m in bases), None)
        if mixin:
            return f"uses `{mixin}`"
        return reads_user(target, {"self"})
    cls = target.parent
    while cls is not None and cls.type not in ("classdef", "file_input"):
        cls = cls.parent
    params = [p.name.value for p in target.get_params()]
    if cls is not None and cls.type == "classdef":
        # A method: the whole view class may read the user (`get_context_data`).
        return reads_user(cls, {"self", *params[1:2]})
    return reads_user(target, set(params[:1]))


def _fix(ctx: FileContext, cached: Any) -> Fix:
    indent = " " * cached.start_pos[1]
    expression = decorator_expression(cached)
    if decorator_name(expression) == "method_decorator":
        _, keywords = call_arguments(expression.children[-1].children[1])
        name = keywords.get("name")
        suffix = f", name={code_of(name)}" if name is not None else ""
        line = f"{indent}@method_decorator(vary_on_cookie{suffix})\n"
    else:
        line = f"{indent}@vary_on_cookie\n"
    edits = [insert_at(cached.end_pos[0] - 1, 0, line)]
    edits += import_edits(ctx, "django.views.decorators.vary", "vary_on_cookie")
    return Fix.unsafe(RULE.fix_title, *edits)
