"""
## What it does
Flags `locals()` passed as the template context: the third argument (or
`context=`) of `django.shortcuts.render` and of `TemplateResponse`, or the first
of `render_to_string`'s context (its second argument).

## Why is this bad?
The template receives every local variable — the request, intermediate querysets,
secrets read in the view — and nobody can tell from the view which names the
template needs. Renaming a variable silently breaks the page.

## Example
```python
from django.shortcuts import render


def profile(request):
    user = request.user
    orders = user.orders.all()
    return render(request, "accounts/profile.html", locals())
```

## Use instead
```python
from django.shortcuts import render


def profile(request):
    user = request.user
    orders = user.orders.all()
    return render(request, "accounts/profile.html", {"user": user, "orders": orders})
```

## Fix safety
Unsafe: the fix writes out a dict of every local name bound before the call
(parameters, assignments, loop and `with` targets, imports), which is what
`locals()` held when every binding ran. A name bound only on some paths raises
`NameError` where `locals()` just left it out, and names the template does not use
should be removed by hand. There is no fix inside nested functions or when the
function uses `del`, `global` or `nonlocal`.

## Peers
ruff `DJ003` (django-locals-in-render-function) flags `locals()` given to
`render()`; djvet also checks `TemplateResponse` and `render_to_string`.

## References
- Django docs: render()
  https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#render
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import call_arguments, call_parts, iter_nodes
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._imports import resolve_dotted

RULE = Rule(
    code="DJV312",
    name="locals-as-context",
    family=Family.STRUCTURE,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`locals()` as template context hides what the template uses; pass an explicit dict",
    fix_title="Pass the local names as an explicit dict",
    requires_text=("locals",),
)

# Callable -> position of the context among the positional arguments.
_CONTEXT_POSITION = {
    "django.shortcuts.render": 2,
    "django.template.response.TemplateResponse": 2,
    "django.template.loader.render_to_string": 1,
}
_ALIASES = {
    "django.template.TemplateResponse": "django.template.response.TemplateResponse"
}


@RULE.on("atom_expr")
def check_render(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    parts = call_parts(node)
    if parts is None:
        return
    where = resolve_dotted(ctx, parts[0])
    position = _CONTEXT_POSITION.get(_ALIASES.get(where or "", where or ""))
    if position is None:
        return
    positional, keywords = call_arguments(parts[1])
    context = keywords.get("context") or (
        positional[position] if len(positional) > position else None
    )
    if (
        context is None
        or context.get_code(include_prefix=False).replace(" ", "") != "locals()"
    ):
        return
    yield RULE.diagnostic(ctx, context, fix=_fix(context))


def _fix(context: Any) -> Fix | None:
    function = context.search_ancestor("funcdef", "lambdef")
    if function is None or function.type == "lambdef" or _nested(function):
        return None
    names = _bound_before(function, context)
    if names is None:
        return None
    body = ", ".join(f'"{name}": {name}' for name in names)
    return Fix.unsafe(RULE.fix_title or "", replace_node(context, "{" + body + "}"))


def _nested(function: Any) -> bool:
    return function.search_ancestor("funcdef", "lambdef") is not None


def _bound_before(function: Any, use: Any) -> list[str] | None:
    """Local names bound in `function` before `use`, in order; None when the function
    rebinds names in ways a dict cannot mirror (`del`, `global`, `nonlocal`)."""
    names: list[str] = [p.name.value for p in function.get_params()]
    for node in iter_nodes(function.children[-1]):
        if node.type in ("del_stmt", "global_stmt", "nonlocal_stmt"):
            return None
        if (
            node.type != "name"
            or node.start_pos >= use.start_pos
            or not node.is_definition()
        ):
            continue
        scope = node.search_ancestor(
            "funcdef", "lambdef", "classdef", "comp_for", "sync_comp_for"
        )
        if (
            scope is function
            and node.value not in names
            and not _except_target(node)
            and not _assigned_by(node, use)
        ):
            names.append(node.value)
        elif (
            scope is not None
            and scope.type in ("funcdef", "classdef")
            and scope.name is node
            and scope.parent.search_ancestor("funcdef") is function
            and node.value not in names
        ):
            names.append(node.value)  # a nested def or class binds its name here
    return names


def _assigned_by(name: Any, use: Any) -> bool:
    """`html = render_to_string(..., locals())`: `html` is bound after the call."""
    statement = name.search_ancestor("expr_stmt", "namedexpr_test")
    return (
        statement is not None
        and statement.start_pos <= use.start_pos < statement.end_pos
    )


def _except_target(name: Any) -> bool:
    """`except E as e`: Python deletes `e` when the handler ends."""
    previous = name.get_previous_leaf()
    return (
        previous is not None
        and previous.value == "as"
        and previous.parent.type == "except_clause"
    )
