"""
## What it does
Flags views taken out of Django's CSRF protection: `@csrf_exempt` on a function or
method, `@method_decorator(csrf_exempt, ...)` on a class-based view, and
`csrf_exempt(view)` calls (typically in `urls.py`).

## Why is this bad?
Without the CSRF check, any site the user visits can make their browser post to this
view with their session cookie: change their email, place an order, delete data.
Forms need `{% csrf_token %}`; JavaScript can send the `X-CSRFToken` header; APIs that
authenticate with tokens (DRF's token or session authentication) handle CSRF
themselves. A webhook called by another server is the usual exception: then verify the
caller instead (a signature over the body), and keep the view free of session state.

## Example
```python
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def subscribe(request):
    request.user.profile.subscribe(request.POST["list"])
    return HttpResponse("ok")
```

## Use instead
```python
from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def subscribe(request):
    request.user.profile.subscribe(request.POST["list"])
    return HttpResponse("ok")
```

## Compared with other checkers
- Semgrep `no-csrf-exempt` flags `@csrf_exempt` on functions; djvet also flags it on
  methods, through `method_decorator` and as a call in URLconfs (`all-forms`).

## References
- Django docs: Cross Site Request Forgery protection:
  https://docs.djangoproject.com/en/stable/ref/csrf/
- Django docs: `csrf_exempt`:
  https://docs.djangoproject.com/en/stable/ref/csrf/#django.views.decorators.csrf.csrf_exempt
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.rules.security._code import imported_from

RULE = Rule(
    code="DJV225",
    name="csrf-exempt",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    message="`csrf_exempt` turns off CSRF protection for this view",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_MODULE = "django.views.decorators.csrf"


@RULE.on("decorator")
def check_decorator(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    target = node.children[1]
    if _is_csrf_exempt(ctx, target):
        yield RULE.diagnostic(
            ctx,
            target,
            message=f"`@csrf_exempt` turns off CSRF protection for "
            f"`{_decorated(node)}`",
        )
    elif target.type in ("atom_expr", "power") and _head(target) == "method_decorator":
        arguments = target.children[-1]
        inner = arguments.children[1] if len(arguments.children) == 3 else None
        first = (
            inner.children[0]
            if inner is not None and inner.type == "arglist"
            else inner
        )
        if first is not None and _is_csrf_exempt(ctx, first):
            yield RULE.diagnostic(
                ctx,
                first,
                message=f"`method_decorator(csrf_exempt)` turns off CSRF "
                f"protection for `{_decorated(node)}`",
            )


@RULE.on("atom_expr", "power")
def check_call(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    if node.parent.type == "decorator" or len(node.children) != 2:
        return
    head, call = node.children
    if (
        call.type == "trailer"
        and call.children[0] == "("
        and _is_csrf_exempt(ctx, head)
    ):
        if (
            node.parent.type == "trailer"
            and _head(node.parent.parent) == "method_decorator"
        ):
            return  # reported with its decorator
        wrapped = code_of(call.children[1]) if len(call.children) == 3 else "the view"
        yield RULE.diagnostic(
            ctx,
            head,
            message=f"`csrf_exempt()` turns off CSRF protection for "
            f"`{' '.join(wrapped.split())[:40]}`",
        )


def _is_csrf_exempt(ctx: FileContext, node: Any) -> bool:
    text = code_of(node)
    if text == "csrf_exempt":
        return imported_from(ctx, "csrf_exempt") == _MODULE
    return text in (f"{_MODULE}.csrf_exempt", "csrf.csrf_exempt")


def _head(node: Any) -> str | None:
    if node.type in ("atom_expr", "power") and node.children[0].type == "name":
        return node.children[0].value
    return None


def _decorated(decorator: Any) -> str:
    definition = decorator.parent
    while definition is not None and definition.type in ("decorators", "decorated"):
        definition = (
            definition.children[-1]
            if definition.type == "decorated"
            else definition.parent
        )
    name = getattr(definition, "name", None)
    return name.value if name is not None else "this view"
