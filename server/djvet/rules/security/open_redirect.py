"""
## What it does
Flags `redirect()`, `HttpResponseRedirect` and `HttpResponsePermanentRedirect` to a URL
the request controls — `request.GET["next"]`, `request.POST.get("next")`, the
`Referer` header, a variable assigned from them, or a string starting with one — in a
function that never checks it with `url_has_allowed_host_and_scheme()` (or the old
`is_safe_url()`). A URL that starts with a fixed path (`f"/books/{slug}/"`) is fine.

## Why is this bad?
`https://your.site/login/?next=https://evil.example/` sends users who trust your domain
to the attacker's look-alike page after they log in: an open redirect, the classic
phishing helper. `//evil.example` and `javascript:` URLs work too.

## Example
```python
from django.shortcuts import redirect


def done(request):
    return redirect(request.GET.get("next", "/"))
```

## Use instead
```python
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def done(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)
```

## Fix safety
Unsafe. The fix keeps the URL only when `url_has_allowed_host_and_scheme()` accepts it
for this request's host (and HTTPS when the request is secure), else redirects to the
fallback of `x or fallback` or to `"/"`. Links to other hosts of your own stop working
until they are listed in `allowed_hosts`. The URL expression is evaluated twice, so it
is offered only for plain reads of the request.

## Compared with other checkers
- Semgrep `open-redirect` flags the same sources and the same checks; djvet also follows
  `x or "/"` fallbacks, and does not flag URLs whose fixed start pins the host
  (`fixed-start`).

## References
- Django docs: `url_has_allowed_host_and_scheme()`:
  https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.http.url_has_allowed_host_and_scheme
- OWASP: Unvalidated redirects and forwards cheat sheet
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import (
    call_arguments,
    code_of,
    is_literal,
    iter_nodes,
    literal_value,
)
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import (
    import_edits,
    imported_from,
    is_request_data,
    is_request_name,
)
from djvet.rules.security._scopes import reaching
from djvet.rules.security._strings import Text, built_string

RULE = Rule(
    code="DJV234",
    name="open-redirect",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Redirect to a URL from the request without checking its host (open redirect)",
    fix_title="Check the URL with `url_has_allowed_host_and_scheme()`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_REDIRECTS = {
    "redirect": ("django.shortcuts",),
    "HttpResponseRedirect": ("django.http", "django.http.response"),
    "HttpResponsePermanentRedirect": ("django.http", "django.http.response"),
}
_OPEN_START = re.compile(r"^(/{0,2}|[a-z][a-z0-9+.-]*:/{0,2})$", re.I)
_VALIDATOR = re.compile(r"safe|allow|valid|trust|permit", re.I)
_CHECKS = ("url_has_allowed_host_and_scheme", "is_safe_url")


@RULE.on("atom_expr", "power")
def check_redirect(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    children = node.children
    if (
        len(children) != 2
        or children[0].type != "name"
        or children[0].value not in _REDIRECTS
    ):
        return
    if imported_from(ctx, children[0].value) not in _REDIRECTS[children[0].value]:
        return
    call = children[1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    target = (
        positional[0]
        if positional and positional[0].type != "argument"
        else (keywords.get("to") or keywords.get("redirect_to"))
    )
    if target is None or not _controlled(target) or _checked(node, target):
        return
    yield RULE.diagnostic(
        ctx,
        target,
        message=f"`{children[0].value}()` to `{_short(target)}`, a URL "
        "from the request, without checking its host",
        fix=_fix(ctx, node, target),
    )


def _controlled(target: Any, depth: int = 0) -> bool:
    """Request data that decides where the URL points: the whole URL, its start, or the
    first operand of `x or fallback`; for a variable, one of the values it may hold."""
    if depth > 4:
        return False
    if target.type == "or_test":
        return _controlled(target.children[0], depth + 1)
    if target.type == "name":
        return any(
            b.kind == "assign"
            and b.value is not None
            and _controlled(b.value, depth + 1)
            for b in reaching(target)
        )
    if (
        target.type == "test"
        and len(target.children) == 5
        and target.children[1] == "if"
    ):
        return _controlled(target.children[0], depth + 1) or _controlled(
            target.children[4], depth + 1
        )
    built = built_string(target)
    if built is not None:
        first = built.parts[0] if built.parts else None
        if isinstance(first, Text):
            # A fixed start with a host or a path segment pins the host: `/books/{slug}`.
            return bool(_OPEN_START.match(first.value.strip())) and is_request_data(
                target
            )
        return (
            first is not None
            and first.expr is not None
            and _controlled(first.expr, depth + 1)
        )
    return is_request_data(target)


def _checked(node: Any, target: Any) -> bool:
    """Django's checks anywhere in the function (as Semgrep reads it), or the project's
    own validator (`safe_for_redirect(url)`, `_allow_redirect(url)`) given the URL."""
    function = search_ancestor(node, "funcdef")
    if function is None:
        return False
    code = function.get_code()
    if any(f"{name}(" in code for name in _CHECKS):
        return True
    watched = code_of(target.children[0] if target.type == "or_test" else target)
    for call in iter_nodes(function, {"atom_expr", "power"}):
        last = call.children[-1]
        if last.type != "trailer" or last.children[0] != "(" or len(call.children) < 2:
            continue
        callee = call.children[-2]
        name = (
            callee.value
            if callee.type == "name"
            else (
                callee.children[1].value
                if callee.type == "trailer" and callee.children[0] == "."
                else ""
            )
        )
        if _VALIDATOR.search(name) and any(
            code_of(a) == watched for a in _arguments(last)
        ):
            return True
    return False


def _arguments(call: Any) -> list[Any]:
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    return [*positional, *keywords.values()]


def _fix(ctx: FileContext, node: Any, target: Any) -> Fix | None:
    url, fallback = (
        (target.children[0], code_of(target.children[2]))
        if (target.type == "or_test" and len(target.children) == 3)
        else (target, '"/"')
    )
    request = _request(node)
    if request is None or not _plain_read(url) or "\n" in code_of(url):
        return None
    value = code_of(url)
    check = (
        f"url_has_allowed_host_and_scheme({value}, allowed_hosts={{{request}.get_host()}}, "
        f"require_https={request}.is_secure())"
    )
    return Fix.unsafe(
        RULE.fix_title or "",
        replace_node(target, f"{value} if {check} else {fallback}"),
        *import_edits(ctx, "django.utils.http", "url_has_allowed_host_and_scheme"),
    )


def _request(node: Any) -> str | None:
    function = search_ancestor(node, "funcdef")
    if function is None:
        return None
    names = [p.name.value for p in function.get_params()]
    if "request" in names:
        return "request"
    return "self.request" if names[:1] == ["self"] else None


def _plain_read(node: Any) -> bool:
    """A name or a read of the request (`request.GET.get("next")`): cheap to evaluate twice."""
    if node.type == "name":
        return True
    if node.type not in ("atom_expr", "power"):
        return False
    head = node.children[0]
    if not (is_request_name(head) or (head.type == "name" and head.value == "self")):
        return False
    return all(
        is_literal(literal_value(arg))
        for trailer in node.children[1:]
        if trailer.type == "trailer" and trailer.children[0] == "("
        for arg in call_arguments(
            trailer.children[1] if len(trailer.children) == 3 else None
        )[0]
    )


def _short(node: Any) -> str:
    text = " ".join(code_of(node).split())
    return text if len(text) <= 40 else text[:39] + "…"
