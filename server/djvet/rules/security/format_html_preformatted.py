"""
## What it does
Flags `format_html()` (and `format_html_join()`) whose format string is already built —
an f-string with fields, `"...".format(...)`, `"..." % ...` or `"..." + value` — instead
of a template whose values are passed as arguments.

## Why is this bad?
`format_html()` escapes its *arguments*. Values spliced into the format string beforehand
are not escaped at all, so the call looks safe and is not: this is the XSS hole the
function exists to close. Django 5.0 deprecated calling it without arguments for this
reason.

## Example
```python
from django.utils.html import format_html


def link(url, title):
    return format_html(f'<a href="{url}">{title}</a>')
```

## Use instead
```python
from django.utils.html import format_html


def link(url, title):
    return format_html('<a href="{}">{}</a>', url, title)
```

## Fix safety
Safe, as django-upgrade's `format_html` fixer: the template keeps its text and each
interpolated value becomes an argument in order (`%s` and f-string fields become `{}`,
their conversions and format specs are kept). The output changes only where a value
held unescaped markup — the escaping the call promised. Calls that already pass
arguments get no automatic fix.

## Compared with other checkers
- pylint-django W5150 and Semgrep `formathtml-fstring-parameter` flag the same calls;
  djvet also flags `+` concatenation (as pylint does) and skips an f-string without
  fields or a `+` of literals only (`no-values`).
- A spot already silenced for pylint-django (`# pylint: disable=format-html-interpolation`) is
  not reported again.

## References
- Django docs: `format_html()`:
  https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html
- Django ticket #34609 (calling `format_html()` without arguments is deprecated)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import call_arguments, call_parts, code_of
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import imported_from, is_constant, peer_suppressed
from djvet.rules.security._html import format_html_call
from djvet.rules.security._strings import built_string

RULE = Rule(
    code="DJV223",
    name="format-html-preformatted",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`format_html()` given a pre-formatted string escapes nothing; pass the values",
    fix_title="Pass the values as `format_html()` arguments",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.MIGRATIONS,
    requires_text=("format_html",),
)
# function -> index of the format string
_NAMES = {
    "format_html": 0,
    "format_html_join": 1,
}
_HOW = {
    "fstring": "an f-string",
    "percent": "`%`",
    "format": "`.format()`",
    "concat": "`+`",
    "join": "`join()`",
}


@RULE.on("atom_expr", "power")
def check_format_html(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    name = _callee(ctx, node)
    if name is None or peer_suppressed(
        ctx, node, ("W5150", "format-html-interpolation")
    ):
        return
    call = node.children[-1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    index = _NAMES[name]
    template = (
        positional[index] if len(positional) > index else keywords.get("format_string")
    )
    if template is None:
        return
    built = built_string(template)
    if (
        built is None
        or built.kind == "join"
        or all(h.expr is not None and is_constant(h.expr) for h in built.holes)
    ):
        return
    message = f"`{name}()` is given a string built with {_HOW[built.kind]}; its values are not escaped"
    fix = None
    if name == "format_html" and len(positional) == 1 and not keywords:
        edits = format_html_call(
            ctx,
            built,
            node,
            code_of(node.children[0])
            if len(node.children) == 2
            else "".join(code_of(c) for c in node.children[:-1]),
        )
        if not isinstance(edits, str):
            fix = Fix.safe(RULE.fix_title or "", *edits)
    yield RULE.diagnostic(ctx, template, message=message, fix=fix)


def _callee(ctx: FileContext, node: Any) -> str | None:
    parts = call_parts(node)
    if parts is None:
        return None
    callee = parts[0]
    name = callee.rsplit(".", 1)[-1]
    if name not in _NAMES:
        return None
    if "." in callee:
        return name if callee.endswith(f"html.{name}") else None
    return name if imported_from(ctx, name) in (None, "django.utils.html") else None
