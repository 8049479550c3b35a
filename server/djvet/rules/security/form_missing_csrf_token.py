"""
## What it does
Flags a `<form method="post">` in a Django template that has no `{% csrf_token %}`
between its opening and closing tags.

Forms posting to another site (`action="https://…"`), forms in HTML comments,
`<script>` elements and `{% verbatim %}` blocks, and forms whose token comes from an
`{% include %}`d template or a `csrfmiddlewaretoken` input are not flagged.

## Why is this bad?
`CsrfViewMiddleware` rejects a POST without the token with "403 Forbidden (CSRF token
missing)". The usual "fix" is `@csrf_exempt` on the view, which opens it to cross-site
request forgery: another site can make a logged-in user submit the form.

## Example
```html
<form method="post" action="{% url 'cart-add' book.pk %}">
  <button type="submit">Add to basket</button>
</form>
```

## Use instead
```html
<form method="post" action="{% url 'cart-add' book.pk %}">
  {% csrf_token %}
  <button type="submit">Add to basket</button>
</form>
```

## Fix safety
The fix inserts `{% csrf_token %}` right after the opening tag, indented like the
form's content. It is safe: the tag renders a hidden input the view ignores unless it
checks the token, which is what a POST form needs.

## References
- Django docs: Cross Site Request Forgery protection, "How to use it"
- Guide §2.3
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Language, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.templates import (
    Tag,
    Template,
    is_django_template,
    literal_name,
    masked_text,
    read_template,
    template_files,
    template_of,
)

RULE = Rule(
    code="DJV226",
    name="form-missing-csrf-token",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message='`<form method="post">` without `{% csrf_token %}`: the POST is rejected or CSRF-exempted',
    fix_title="Insert `{% csrf_token %}`",
    applies_to=FileRole.TEMPLATES,
    languages=frozenset({Language.TEMPLATE}),
)

_FORM = re.compile(r"<form\b[^>]*>", re.I)
_POST = re.compile(r"""\bmethod\s*=\s*(["']?)post\1(?=[\s>/])""", re.I)
_EXTERNAL = re.compile(r"""\baction\s*=\s*["']?\s*(https?:)?//""", re.I)
_CLOSE = re.compile(r"</form\s*>|<form\b", re.I)
_TOKEN_INPUT = re.compile(r"csrfmiddlewaretoken|\{\{\s*csrf_token\s*\}\}")
MAX_INCLUDE_DEPTH = 3


@RULE.on_module
def check(ctx: FileContext) -> Iterator[Diagnostic]:
    if not is_django_template(ctx.path):
        return
    template = template_of(ctx.path, ctx.text)
    masked = masked_text(template)
    for form in _FORM.finditer(masked):
        attributes = template.text[form.start() : form.end()]
        if not _POST.search(masked[form.start() : form.end()]) or _EXTERNAL.search(
            attributes
        ):
            continue
        close = _CLOSE.search(masked, form.end())
        end = close.start() if close is not None else len(masked)
        if _has_token(ctx, template, form.end(), end, 0):
            continue
        at, text = _insertion(template, form.end(), end)
        fix = Fix.safe(
            RULE.fix_title or "", Edit(Span.point(*template.position(at)), text)
        )
        yield RULE.diagnostic(ctx, template.span(form.start(), form.end()), fix=fix)


def _has_token(
    ctx: FileContext, template: Template, start: int, end: int, depth: int
) -> bool:
    if _TOKEN_INPUT.search(template.text, start, end):
        return True
    for node in template.walk():
        if not isinstance(node, Tag) or not start <= node.start < end:
            continue
        # crispy-forms renders the token itself
        if node.name in (
            "csrf_token",
            "crispy",
        ):
            return True
        if (
            node.name == "include"
            and depth < MAX_INCLUDE_DEPTH
            and _include_has_token(ctx, node, depth)
        ):
            return True
    return False


def _include_has_token(ctx: FileContext, tag: Tag, depth: int) -> bool:
    name = literal_name(tag.bits[0]) if tag.bits else None
    if name is None:
        return True  # `{% include form_template %}`: cannot tell, assume it is complete
    path = template_files(ctx.project).find(name)
    included = read_template(ctx.project, path) if path else None
    if included is None:
        return True  # a library's template djvet cannot read: assume it is complete
    return _has_token(ctx, included, 0, len(included.text), depth + 1)


def _insertion(template: Template, at: int, end: int) -> tuple[int, str]:
    """Where and what to insert: after the opening tag, or on a line of its own (indented
    like the form's first line of content) when the opening tag ends its line."""
    rest = template.text[at:end]
    first = rest.split("\n", 1)[0].rstrip("\r")
    if rest.strip() == "" or re.sub(r"{#.*?#}", "", first).strip():
        # content on the same line (or an empty form): inline
        return (
            at,
            "{% csrf_token %}",
        )
    line, _ = template.position(at)
    following = [x for x in rest.split("\n")[1:] if x.strip()]
    indent = (
        _indent(following[0])
        if following
        else _indent(template.text[template._starts[line] :]) + "  "
    )
    newline = "\r\n" if template.text[at + len(first) :].startswith("\r\n") else "\n"
    return at + len(first), f"{newline}{indent}{{% csrf_token %}}"


def _indent(text: str) -> str:
    line = text.split("\n", 1)[0]
    return line[: len(line) - len(line.lstrip(" \t"))]
