"""
## What it does
Flags `HttpResponse(json.dumps(data))` (also with `content=`), which builds a JSON
response by hand.

## Why is this bad?
Without `content_type="application/json"` the response goes out as `text/html`, so
clients and browsers treat JSON as HTML. `json.dumps` also fails on dates, decimals
and UUIDs, which `JsonResponse`'s `DjangoJSONEncoder` handles. `JsonResponse(data)`
says what the view returns in one call.

## Example
```python
import json

from django.http import HttpResponse


def stock(request):
    return HttpResponse(json.dumps({"in_stock": 3}), content_type="application/json")
```

## Use instead
```python
from django.http import JsonResponse


def stock(request):
    return JsonResponse({"in_stock": 3})
```

## Fix safety
The fix calls `JsonResponse(data)`, passes `json.dumps`' options through
`json_dumps_params` (and `cls=` as `encoder=`), keeps `status=` and the other
arguments, and adds `safe=False` unless `data` is a dict display, so lists and other
values are still accepted. `DjangoJSONEncoder` encodes everything `json.dumps`
encodes the same way. It is safe when the response already declared
`content_type="application/json"` (dropped as redundant); otherwise unsafe, because
the `Content-Type` header changes from `text/html` to `application/json`.
No fix is offered for extra positional arguments or `**kwargs` in either call.

## Peers
pylint-django `http-response-with-json-dumps` (R5101) flags the same calls; djvet
resolves the imports (`from json import dumps`, `django.http.response.HttpResponse`)
instead of matching the source text, and also reads `HttpResponse(content=...)`, so a class merely named `...HttpResponse`
(`StreamingHttpResponse`, a project's own) is not flagged.

## References
- Django docs: JsonResponse objects
  https://docs.djangoproject.com/en/stable/ref/request-response/#jsonresponse-objects
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Severity
from djvet.core.parso_utils import call_arguments, call_parts, code_of, string_value
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._imports import add_import, resolve_dotted

RULE = Rule(
    code="DJV314",
    name="json-dumps-response",
    family=Family.STRUCTURE,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`HttpResponse(json.dumps(...))`; use `JsonResponse`",
    fix_title="Use `JsonResponse`",
    requires_text=("dumps",),
)

_RESPONSE = ("django.http.HttpResponse", "django.http.response.HttpResponse")
_JSON_TYPES = ("application/json", "application/json; charset=utf-8")


@RULE.on("atom_expr")
def check_response(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    parts = call_parts(node)
    if parts is None or resolve_dotted(ctx, parts[0]) not in _RESPONSE:
        return
    positional, keywords = call_arguments(parts[1])
    content = keywords.get("content") or (positional[0] if positional else None)
    dumps = (
        call_parts(content)
        if content is not None and content.type in ("atom_expr", "power")
        else None
    )
    if dumps is None or resolve_dotted(ctx, dumps[0]) != "json.dumps":
        return
    yield RULE.diagnostic(ctx, node, fix=_fix(ctx, node, parts[0], parts[1], dumps[1]))


def _fix(
    ctx: FileContext, node: Any, callee: str, args: Any, dumps_args: Any
) -> Fix | None:
    positional, keywords = call_arguments(args)
    data_args, options = call_arguments(dumps_args)
    if (
        len(positional) > 1
        or len(data_args) != 1
        or _starred(args)
        or _starred(dumps_args)
    ):
        return None
    data = data_args[0]
    pieces = [code_of(data)]
    encoder = options.pop("cls", None)
    if encoder is not None:
        pieces.append(f"encoder={code_of(encoder)}")
    if not _is_dict(data):
        pieces.append("safe=False")
    if options:
        params = ", ".join(f'"{k}": {code_of(v)}' for k, v in options.items())
        pieces.append(f"json_dumps_params={{{params}}}")
    content_type = keywords.pop("content_type", None)
    declared = (
        content_type is not None
        and (string_value(content_type) or "").lower() in _JSON_TYPES
    )
    if content_type is not None and not declared:
        keywords["content_type"] = content_type  # another type: keep what the view said
    keywords.pop("content", None)
    pieces.extend(f"{k}={code_of(v)}" for k, v in keywords.items())
    name, edits = _json_response(ctx, callee)
    if name is None:
        return None
    edits.append(replace_node(node, f"{name}({', '.join(pieces)})"))
    applicability = Applicability.SAFE if declared else Applicability.UNSAFE
    return Fix.make(RULE.fix_title or "", edits, applicability)


def _starred(args: Any) -> bool:
    return args is not None and any(
        c.type == "argument" and c.children[0] in ("*", "**")
        for c in (args.children if args.type == "arglist" else [args])
    )


def _is_dict(atom: Any) -> bool:
    """`{}` / `{"a": 1}` / `{k: v for ...}` / `{**base}`, not a set display."""
    if atom.type != "atom" or atom.children[0] != "{":
        return False
    if len(atom.children) == 2:
        return True
    inner = atom.children[1]
    return inner.type == "dictorsetmaker" and any(
        c == ":" or c == "**" for c in inner.children
    )


def _json_response(ctx: FileContext, callee: str) -> tuple[str | None, list[Edit]]:
    """How to name `JsonResponse` here, and the import that makes the name exist."""
    if "." in callee:  # `http.HttpResponse`: use the same module
        module = callee.rsplit(".", 1)[0]
        return f"{module}.JsonResponse", []
    if resolve_dotted(ctx, "JsonResponse") in (
        "django.http.JsonResponse",
        "django.http.response.JsonResponse",
    ):
        return "JsonResponse", []
    if resolve_dotted(ctx, "JsonResponse") is not None:
        return None, []  # the name means something else here
    return "JsonResponse", [add_import(ctx, "from django.http import JsonResponse")]
