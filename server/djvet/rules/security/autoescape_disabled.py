"""
## What it does
Flags places where Django's HTML escaping is switched off: `{% autoescape off %}`
blocks and the `|safe` / `|safeseq` filters on variables in templates (a literal such
as `{{ "<br>"|safe }}`, or a value escaped first with `|escape`/`|escapejs`/
`|json_script`, is fine), and `"autoescape": False` in the `OPTIONS` of `TEMPLATES`
in settings. Plain-text templates (`.txt`, e.g. e-mails) are not HTML and are skipped.

## Why is this bad?
Autoescaping is what keeps `<script>` in a user's name from running in other users'
browsers. Every variable rendered unescaped must be known to hold trusted HTML; when
it holds anything a user typed (a review, a profile, a search query), the page has a
cross-site scripting hole.

## Example
```html
<div class="review">{{ review.body|safe }}</div>
{% autoescape off %}{{ profile.bio }}{% endautoescape %}
```

## Use instead
```html
<div class="review">{{ review.body|linebreaks }}</div>
{{ profile.bio }}
```

Build trusted HTML in Python with `format_html()` (which escapes its arguments) and
render it as it is; sanitise user-written HTML with a library such as `nh3` first.

## References
- Django docs: Templates, "Automatic HTML escaping"
- Django docs: Built-in filters, `safe`
- Guide §2.4
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Language, Severity
from djvet.core.parso_utils import iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.templates import (
    Expr,
    Tag,
    Template,
    Var,
    is_django_template,
    parse_expr,
    template_of,
)

RULE = Rule(
    code="DJV227",
    name="autoescape-disabled",
    family=Family.SECURITY,
    severity=Severity.WARNING,
    fix=FixAvailability.NEVER,
    message="HTML escaping is switched off: unescaped user data is a cross-site scripting hole",
    applies_to=FileRole.TEMPLATES | FileRole.SETTINGS,
    languages=frozenset({Language.PYTHON, Language.TEMPLATE}),
)

_SAFE = ("safe", "safeseq")
# Filters whose output is already escaped (or JSON in a script tag): `|safe` after them is fine.
_ESCAPING = {
    "escape",
    "force_escape",
    "escapejs",
    "json_script",
    "urlencode",
    "iriencode",
}


@RULE.on_module
def check(ctx: FileContext) -> Iterator[Diagnostic]:
    if ctx.document.language is Language.TEMPLATE:
        # Plain-text templates (e-mails) use `|safe` to keep `&` and quotes unescaped.
        if is_django_template(ctx.path) and not ctx.path.lower().endswith(".txt"):
            yield from _in_template(ctx, template_of(ctx.path, ctx.text))
    elif ctx.has_role(FileRole.SETTINGS):
        yield from _in_settings(ctx)


def _in_template(ctx: FileContext, template: Template) -> Iterator[Diagnostic]:
    for node in template.walk():
        if isinstance(node, Var):
            yield from _safe_filters(ctx, template, node.expr)
        elif (
            isinstance(node, Tag)
            and node.name == "autoescape"
            and [b.text for b in node.bits] == ["off"]
        ):
            yield RULE.diagnostic(
                ctx,
                template.span(node.token.start, node.token.end),
                message="`{% autoescape off %}` renders every variable inside without "
                "HTML escaping (XSS)",
            )
        elif isinstance(node, Tag):
            for bit in node.bits:
                key, equals, value = bit.text.partition("=")
                start = (
                    bit.start + len(key) + 1
                    if equals and key.isidentifier()
                    else bit.start
                )
                yield from _safe_filters(
                    ctx,
                    template,
                    parse_expr(value if start != bit.start else bit.text, start),
                )


def _safe_filters(
    ctx: FileContext, template: Template, expr: Expr | None
) -> Iterator[Diagnostic]:
    if expr is None or expr.literal:
        return
    for index, item in enumerate(expr.filters):
        if item.name in _SAFE and not any(
            f.name in _ESCAPING for f in expr.filters[:index]
        ):
            # the value `|safe` receives
            shown = template.text[expr.start : item.start - 1].strip()
            yield RULE.diagnostic(
                ctx,
                template.span(item.start, item.start + len(item.name)),
                message=f"`|{item.name}` renders `{shown}` without HTML escaping: "
                "XSS if it holds user data",
            )


def _in_settings(ctx: FileContext) -> Iterator[Diagnostic]:
    """`"autoescape": False` in a `TEMPLATES` entry (assigned or set by subscript)."""
    for leaf in ctx.tree.get_used_names().get("TEMPLATES", []):
        statement = leaf.get_definition() or _subscript_assignment(leaf)
        if statement is None or statement.type != "expr_stmt":
            continue
        for value in _autoescape_values(statement):
            if value.type == "keyword" and value.value == "False":
                yield RULE.diagnostic(
                    ctx,
                    value,
                    message='`"autoescape": False` in `TEMPLATES` turns off '
                    "HTML escaping in every template (XSS)",
                )


def _subscript_assignment(leaf: Any) -> Any:
    """The statement of `TEMPLATES[0]["OPTIONS"]["autoescape"] = False`, for its leaf."""
    chain = leaf.parent
    statement = chain.parent if chain is not None else None
    if (
        chain is not None
        and chain.type in ("atom_expr", "power")
        and chain.children[0] is leaf
        and statement is not None
        and statement.type == "expr_stmt"
        and statement.children[0] is chain
        and len(statement.children) == 3
        and statement.children[1] == "="
    ):
        return statement
    return None


def _autoescape_values(statement: Any) -> Iterator[Any]:
    target = statement.children[0]
    if "autoescape" in target.get_code() and len(statement.children) == 3:
        yield statement.children[2]  # TEMPLATES[0]["OPTIONS"]["autoescape"] = False
        return
    for node in iter_nodes(statement.children[-1], {"dictorsetmaker"}):
        children = node.children
        for index in range(0, len(children) - 2):
            if (
                children[index + 1] == ":"
                and string_value(children[index]) == "autoescape"
            ):
                yield children[index + 2]
