"""
## What it does
Flags `HttpResponse` (and `HttpResponseBadRequest`, `NotFound`, `Forbidden`, `Gone`,
`ServerError`) whose HTML content is request data — `request.GET["q"]`, a variable
assigned from it, a string built with it — or markup built by interpolating data
(`f"<h1>Hello {name}</h1>"` with `name` a parameter or a model's text field). A
`content_type` that is not HTML (`text/plain`, `application/json`) is not flagged, nor
values passed through `escape()`.

## Why is this bad?
An `HttpResponse` is sent as `text/html` unless told otherwise, and nothing escapes its
content: a link carrying `?q=<script>...</script>` runs script in the victim's session
(reflected XSS). Templates escape variables by default; `format_html()` and `escape()`
do it in code.

## Example
```python
from django.http import HttpResponse


def hello(request):
    name = request.GET.get("name", "")
    return HttpResponse(f"<h1>Hello {name}</h1>")
```

## Use instead
```python
from django.http import HttpResponse
from django.utils.html import format_html


def hello(request):
    name = request.GET.get("name", "")
    return HttpResponse(format_html("<h1>Hello {}</h1>", name))
```

## Fix safety
Unsafe. Markup built with an f-string, `%`, `.format()` or `+` becomes a
`format_html()` call; request data passed as is gets wrapped in `escape()`. The page
then shows `&lt;` where it used to send `<`: right for text, wrong for a value that was
meant to be HTML. Rendering a template (`render(request, "hello.html", {...})`) is the
better change where the view grows.

## Compared with other checkers
- Semgrep `reflected-data-httpresponse` and `raw-html-format` flag the same request data
  and HTML built from it. `direct-use-of-httpresponse` flags every non-literal content;
  djvet only content traced to data (`traced-data`), and never a non-HTML
  `content_type` (`non-html`).

## References
- Django docs: Cross site scripting (XSS) protection:
  https://docs.djangoproject.com/en/stable/topics/security/#cross-site-scripting-xss-protection
- Django docs: `django.utils.html.escape()` and `format_html()`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_after, insert_before
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import call_arguments, call_parts, code_of, literal_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import import_edits, imported_from, is_request_data
from djvet.rules.security._html import Provenance, format_html_call, hole_provenance
from djvet.rules.security._strings import built_string

RULE = Rule(
    code="DJV224",
    name="response-unescaped-input",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="`HttpResponse` sends data as HTML without escaping it (XSS)",
    fix_title="Escape the data",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
RESPONSES = frozenset(
    {
        "HttpResponse",
        "HttpResponseBadRequest",
        "HttpResponseNotFound",
        "HttpResponseForbidden",
        "HttpResponseGone",
        "HttpResponseServerError",
    }
)


@RULE.on("atom_expr", "power")
def check_response(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    name = _response_class(ctx, node)
    if name is None:
        return
    call = node.children[-1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    content = (
        positional[0]
        if positional and positional[0].type != "argument"
        else keywords.get("content")
    )
    if content is None or not _html(
        keywords.get("content_type") or (positional[1] if len(positional) > 1 else None)
    ):
        return
    built = built_string(content)
    if built is not None:
        data = [h for h in built.holes if hole_provenance(ctx, h) is Provenance.DATA]
        reflected = [h for h in data if h.expr is not None and is_request_data(h.expr)]
        if reflected or (data and "<" in built.text()):
            yield _built(ctx, name, content, built, (reflected or data)[0])
    elif is_request_data(content):
        edits = [
            insert_before(content, "escape("),
            insert_after(content, ")"),
            *import_edits(ctx, "django.utils.html", "escape"),
        ]
        yield RULE.diagnostic(
            ctx,
            content,
            message=f"`{name}` sends request data `{_short(content)}` "
            "as HTML without escaping it",
            fix=Fix.unsafe("Wrap it in `escape()`", *edits),
        )


def _built(
    ctx: FileContext, name: str, content: Any, built: Any, hole: Any
) -> Diagnostic:
    what = "request data" if is_request_data(hole.expr) else "data"
    message = f"`{name}` sends HTML built from {what} `{_short(hole.expr)}` without escaping it"
    edits = format_html_call(ctx, built, content, "format_html")
    if isinstance(edits, str):
        return RULE.diagnostic(
            ctx, content, message=message, fix=Fix.display_only(f"Not fixed: {edits}")
        )
    edits += list(import_edits(ctx, "django.utils.html", "format_html"))
    return RULE.diagnostic(
        ctx,
        content,
        message=message,
        fix=Fix.unsafe("Build the HTML with `format_html()`", *edits),
    )


def _response_class(ctx: FileContext, node: Any) -> str | None:
    parts = call_parts(node)
    if parts is None:
        return None
    callee = parts[0]
    name = callee.rsplit(".", 1)[-1]
    if name not in RESPONSES:
        return None
    if "." in callee:
        return name if callee.startswith(("http.", "django.http.")) else None
    return (
        name
        if imported_from(ctx, name) in ("django.http", "django.http.response")
        else None
    )


def _html(content_type: Any) -> bool:
    if content_type is None:
        return True
    value = literal_value(content_type)
    return not isinstance(value, str) or "html" in value.lower()


def _short(node: Any) -> str:
    text = " ".join(code_of(node).split())
    return text if len(text) <= 40 else text[:39] + "…"
