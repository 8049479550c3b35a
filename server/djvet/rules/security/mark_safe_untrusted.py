"""
## What it does
Flags `mark_safe()` (and `SafeString()`) given a string built by interpolation — an
f-string, `%`, `.format()` or `+` — with a part that is not known to be safe, or given
data: request data, a function's parameter (what a template filter or an admin column
receives), an attribute of one, a model's text field read through `self`, or a string
built from those. Literals, constants, numbers and already-escaped HTML (`escape()`,
`format_html()`, `render_to_string()`, a form's `as_p()`) are fine.

## Why is this bad?
`mark_safe()` tells Django the string is HTML that needs no escaping. Text that came
from a user then goes into the page as markup: a review saying `<script>...` runs in
every reader's browser (stored XSS). `format_html()` escapes each value it inserts and
marks only the template safe.

## Example
```python
from django.utils.safestring import mark_safe


def badge(name):
    return mark_safe(f"<span class='badge'>{name}</span>")
```

## Use instead
```python
from django.utils.html import format_html


def badge(name):
    return format_html("<span class='badge'>{}</span>", name)
```

## Fix safety
Unsafe. The fix rewrites `mark_safe(<interpolated string>)` as `format_html(template,
values)`, importing `format_html`. Values that are already safe (`SafeString`, results of
`format_html()` or `escape()`) come out unchanged, but a value holding plain HTML on
purpose is now escaped. `mark_safe()` of data that is not interpolated has no automatic
fix: escape it with `escape()` or build the markup with `format_html()`.

## Compared with other checkers
- ruff S308 flags every `mark_safe()` whose argument is not a string literal, and
  `@mark_safe` decorators; djvet flags values it traces to data, not the result of an
  unknown helper (`traced-data`), and leaves the decorator alone: what a decorated
  function returns is checked where it is built (`decorator`). djvet also flags
  `SafeString(...)` of data, which ruff does not (`safestring`).
- pylint-django W5151 flags any interpolated argument; djvet only interpolations with a
  part traced to data, so not `f"<b>{escape(name)}</b>"` (`escaped-parts`).
- Semgrep `avoid-mark-safe` flags every non-literal argument (`traced-data`).
- A spot already silenced for a peer (`# noqa: S308`, `# pylint: disable=mark-safe-interpolation`,
  `# nosec`) is not reported again.

## References
- Django docs: `mark_safe()` and `format_html()`:
  https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html
- Django docs: Cross site scripting (XSS) protection:
  https://docs.djangoproject.com/en/stable/topics/security/#cross-site-scripting-xss-protection
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import call_arguments, code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import import_edits, imported_from, peer_suppressed
from djvet.rules.security._html import (
    Provenance,
    format_html_call,
    hole_provenance,
    provenance,
)
from djvet.rules.security._scopes import bindings
from djvet.rules.security._strings import built_string

RULE = Rule(
    code="DJV222",
    name="mark-safe-untrusted",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="`mark_safe()` of interpolated or user data skips escaping (XSS); use `format_html()`",
    fix_title="Build the HTML with `format_html()`",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
_PEER_CODES = ("S308", "B308", "B703", "W5151", "mark-safe-interpolation")
_CALLEES = {
    "mark_safe": "django.utils.safestring",
    "SafeString": "django.utils.safestring",
    "SafeText": "django.utils.safestring",
}


@RULE.on("atom_expr", "power")
def check_mark_safe(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    name = _callee(ctx, node)
    if name is None or peer_suppressed(ctx, node, _PEER_CODES):
        return
    call = node.children[-1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    argument = (
        positional[0] if len(positional) == 1 and not keywords else keywords.get("s")
    )
    if argument is None or argument.type == "argument":
        return
    built = built_string(argument)
    if built is not None:
        unsafe = [h for h in built.holes if hole_provenance(ctx, h) is Provenance.DATA]
        if unsafe:
            yield _interpolated(ctx, node, name, built, unsafe)
        return
    if provenance(ctx, argument) is Provenance.DATA:
        message = (
            f"`{name}()` of `{_short(argument)}` marks data as HTML without escaping it"
        )
        yield RULE.diagnostic(
            ctx,
            node,
            message=message,
            fix=Fix.display_only(
                "Escape the data with `escape()` or build the markup with `format_html()`"
            ),
        )


def _callee(ctx: FileContext, node: Any) -> str | None:
    children = node.children
    if (
        len(children) < 2
        or children[-1].type != "trailer"
        or children[-1].children[0] != "("
    ):
        return None
    head = children[0]
    if len(children) == 2 and head.type == "name" and head.value in _CALLEES:
        source = imported_from(ctx, head.value)
        return (
            head.value
            if source in (None, _CALLEES[head.value], "django.utils.html")
            else None
        )
    text = "".join(code_of(c) for c in children[:-1])
    for name, module in _CALLEES.items():
        if text in (f"{module}.{name}", f"safestring.{name}"):
            return name
    return None


def _interpolated(
    ctx: FileContext, node: Any, name: str, built: Any, unsafe: list[Any]
) -> Diagnostic:
    what = code_of(unsafe[0].expr).strip() if unsafe[0].expr is not None else "values"
    message = f"`{name}()` of a string built from `{what}` skips its escaping; use `format_html()`"
    markup = next((h for h in unsafe if _holds_markup(h.expr)), None)
    if markup is not None:
        reason = f"`{code_of(markup.expr).strip()}` is HTML built elsewhere; build it with `format_html()`"
        return RULE.diagnostic(
            ctx, node, message=message, fix=Fix.display_only(f"Not fixed: {reason}")
        )
    edits = format_html_call(ctx, built, node, "format_html")
    if isinstance(edits, str):
        return RULE.diagnostic(
            ctx, node, message=message, fix=Fix.display_only(f"Not fixed: {edits}")
        )
    edits += list(import_edits(ctx, "django.utils.html", "format_html"))
    return RULE.diagnostic(
        ctx, node, message=message, fix=Fix.unsafe(RULE.fix_title or "", *edits)
    )


def _holds_markup(expr: Any) -> bool:
    """A variable built piece by piece (`html += ...`) or from an interpolated string: it
    holds markup, which `format_html()` would escape."""
    if expr is None or expr.type != "name":
        return expr is not None and built_string(expr) is not None
    return any(
        b.kind == "augassign"
        or (b.value is not None and built_string(b.value) is not None)
        for b in bindings(expr)
        if b.name is not expr
    )


def _short(node: Any) -> str:
    text = " ".join(code_of(node).split())
    return text if len(text) <= 40 else text[:39] + "…"
