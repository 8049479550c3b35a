"""Where HTML comes from, and rewriting a built string into a `format_html()` call
(DJV222, DJV223, DJV224).

`provenance()` answers SAFE (literals, constants, numbers, escaped or rendered HTML),
DATA (request data, function parameters, attributes of them, model fields read through
`self`, strings built from those) or UNKNOWN (what other functions return). Rules flag
DATA; interpolation flags anything that is not SAFE.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.edits import apply_edits, replace_node
from djvet.core.model import Edit, Span
from djvet.core.parso_utils import call_arguments, code_of
from djvet.project.models import model_graph
from djvet.rules.security._code import is_constant, is_request_data
from djvet.rules.security._rewrite import NewPart, Token, render
from djvet.rules.security._scopes import is_starred, reaching
from djvet.rules.security._strings import Built, Hole, Text, built_string


class Provenance(IntEnum):
    SAFE = 0
    UNKNOWN = 1
    DATA = 2


SAFE_CALLS = frozenset(
    {
        "escape",
        "conditional_escape",
        "format_html",
        "format_html_join",
        "mark_safe",
        "render_to_string",
        "json_script",
        "escapejs",
        "urlencode",
        "quote",
        "quote_plus",
        "reverse",
        "reverse_lazy",
        "static",
        "strip_tags",
        "int",
        "float",
        "len",
        "bool",
        "date_format",
        "number_format",
        "intcomma",
        "naturaltime",
        "naturalday",
        "floatformat",
        "filesizeformat",
        "clean",
        "sanitize",
        "SafeString",
        "escape_uri_path",
        "iri_to_uri",
        "uri_to_iri",
        "smart_urlquote",
        "localize",
        "formats",
    }
)
SAFE_METHODS = frozenset(
    {
        "render",
        "as_p",
        "as_ul",
        "as_table",
        "as_div",
        "as_widget",
        "as_text",
        "label_tag",
        "legend_tag",
        "get_absolute_url",
        "count",
        "isoformat",
        "strftime",
        "build_absolute_uri",
        "get_full_path",
        "render_to_string",
        "get_admin_url",
        "url",
        "urlencode",
    }
)
NUMBER_ATTRS = frozenset({"pk", "id", "count"})
# Calls whose result carries their arguments' (or receiver's) text unchanged.
TRANSPARENT_CALLS = frozenset(
    {
        "str",
        "dumps",
        "gettext",
        "_",
        "gettext_lazy",
        "ugettext",
        "pgettext",
        "ngettext",
        "format_lazy",
        "capfirst",
        "Truncator",
    }
)
TRANSPARENT_METHODS = frozenset(
    {
        "replace",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "title",
        "capitalize",
        "format",
        "join",
        "get",
        "decode",
        "encode",
        "splitlines",
        "chars",
        "words",
    }
)
# Which arguments of a transparent method end up in its result (None: all of them).
_ARGUMENTS_KEPT: dict[str, slice | None] = {
    "format": None,
    "join": None,
    "replace": slice(1, 2),
    "get": slice(1, 2),
}
_MAX_DEPTH = 6


def provenance(
    ctx: FileContext, node: Any, depth: int = 0, active: frozenset[Any] = frozenset()
) -> Provenance:
    if depth > _MAX_DEPTH:
        return Provenance.UNKNOWN
    if is_constant(node) or _escaped(node):
        return Provenance.SAFE
    kind = node.type
    # before the request check: `q = request.GET.copy(); q.urlencode()`
    if kind == "name":
        return _name(ctx, node, depth, active)
    if is_request_data(node):
        return Provenance.DATA
    if kind in ("atom_expr", "power"):
        return _chain(ctx, node, depth, active)
    if kind == "atom" and node.children[0] == "(" and len(node.children) == 3:
        return provenance(ctx, node.children[1], depth + 1, active)
    if kind == "test" and len(node.children) == 5 and node.children[1] == "if":
        return _worst(
            provenance(ctx, n, depth + 1, active) for n in node.children[0::4]
        )
    if kind in ("or_test", "and_test"):
        return _worst(
            provenance(ctx, n, depth + 1, active) for n in node.children[0::2]
        )
    built = built_string(node)
    if built is not None:
        return holes_provenance(ctx, built, depth + 1, active)
    return Provenance.UNKNOWN


def holes_provenance(
    ctx: FileContext, built: Built, depth: int = 0, active: frozenset[Any] = frozenset()
) -> Provenance:
    return _worst(hole_provenance(ctx, hole, depth, active) for hole in built.holes)


def hole_provenance(
    ctx: FileContext, hole: Hole, depth: int = 0, active: frozenset[Any] = frozenset()
) -> Provenance:
    if hole.expr is None:
        return Provenance.UNKNOWN
    if hole.conversion in ("d", "i", "f") or hole.spec.endswith(("d", "f")):
        return Provenance.SAFE  # a number
    return provenance(ctx, hole.expr, depth + 1, active)


def _worst(values: Iterable[Provenance]) -> Provenance:
    return max(values, default=Provenance.SAFE)


def _name(
    ctx: FileContext, node: Any, depth: int, active: frozenset[Any]
) -> Provenance:
    found = reaching(node)
    if not found:
        return Provenance.UNKNOWN
    key = (id(found[0].statement), node.value)
    if key in active:
        return Provenance.SAFE  # `html += ...` reads itself: the other bindings decide
    active = active | {key}
    results = []
    for binding in found:
        if binding.kind == "param":
            results.append(
                Provenance.SAFE if node.value in ("self", "cls") else Provenance.DATA
            )
        elif (
            binding.kind in ("assign", "augassign", "for") and binding.value is not None
        ):
            results.append(provenance(ctx, binding.value, depth + 1, active))
        else:
            results.append(Provenance.UNKNOWN)
    return _worst(results)


def _chain(
    ctx: FileContext, node: Any, depth: int, active: frozenset[Any]
) -> Provenance:
    children = node.children
    head, trailers = children[0], children[1:]
    last = trailers[-1] if trailers else None
    called = last is not None and last.type == "trailer" and last.children[0] == "("
    names = [
        t.children[1].value
        for t in trailers
        if t.type == "trailer" and t.children[0] == "."
    ]
    if called and len(trailers) == 1 and head.type == "name":
        return _function_call(ctx, head.value, last, depth, active)
    if called and names and _callee_is_last(trailers):
        method = names[-1]
        if method in SAFE_CALLS or method in SAFE_METHODS or method in NUMBER_ATTRS:
            return Provenance.SAFE
        if method in TRANSPARENT_METHODS:
            receiver = _prefix(node, len(trailers) - 2)
            kept = _ARGUMENTS_KEPT.get(method, slice(0, 0))
            args = _args(last) if kept is None else _args(last)[kept]
            return _worst(
                [
                    provenance(ctx, receiver, depth + 1, active),
                    *(provenance(ctx, a, depth + 1, active) for a in args),
                ]
            )
        if method in TRANSPARENT_CALLS:  # `json.dumps(x)`
            return _worst(provenance(ctx, a, depth + 1, active) for a in _args(last))
        return Provenance.UNKNOWN
    if names and names[-1] in NUMBER_ATTRS and not called:
        return Provenance.SAFE
    if head.type == "name" and head.value == "self" and len(trailers) == 1 and names:
        return _self_attribute(ctx, node, names[0])
    if head.type == "name" and not called:
        # `obj.title`, `data["x"]`: data when the object is.
        base = provenance(ctx, head, depth + 1, active)
        return Provenance.DATA if base is Provenance.DATA else Provenance.UNKNOWN
    return Provenance.UNKNOWN


def _escaped(node: Any) -> bool:
    """A call of an escaping or rendering function or method, whatever it is given."""
    if node.type not in ("atom_expr", "power"):
        return False
    trailers = node.children[1:]
    if (
        not trailers
        or trailers[-1].type != "trailer"
        or trailers[-1].children[0] != "("
    ):
        return False
    if len(trailers) == 1:
        return node.children[0].type == "name" and node.children[0].value in SAFE_CALLS
    callee = trailers[-2]
    if (
        callee.type == "trailer"
        and callee.children[0] == "."
        and len(callee.children) == 2
    ):
        name = callee.children[1].value
        return name in SAFE_CALLS or name in SAFE_METHODS or name in NUMBER_ATTRS
    return False


def _callee_is_last(trailers: list[Any]) -> bool:
    return (
        len(trailers) >= 2
        and trailers[-2].type == "trailer"
        and trailers[-2].children[0] == "."
    )


def _function_call(
    ctx: FileContext, name: str, call: Any, depth: int, active: frozenset[Any]
) -> Provenance:
    if name in SAFE_CALLS:
        return Provenance.SAFE
    if name in TRANSPARENT_CALLS:
        return _worst(provenance(ctx, a, depth + 1, active) for a in _args(call))
    return Provenance.UNKNOWN


def _args(call: Any) -> list[Any]:
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    return [a for a in positional if not is_starred(a)] + list(keywords.values())


def _prefix(node: Any, count: int) -> Any:
    """A stand-in node for `node` without its last trailers: its head and `count` trailers."""
    if count <= 0:
        return node.children[0]
    return _Prefix(node.children[: count + 1])


class _Prefix:
    """Quacks like an `atom_expr` of the first children of a chain."""

    type = "atom_expr"

    def __init__(self, children: list[Any]) -> None:
        self.children = children

    def get_code(self, include_prefix: bool = True) -> str:
        code = "".join(c.get_code() for c in self.children)
        return code if include_prefix else code.lstrip()

    def get_root_node(self) -> Any:
        return self.children[0].get_root_node()


def _self_attribute(ctx: FileContext, node: Any, attribute: str) -> Provenance:
    """`self.body` in a model method: a text column users wrote."""
    cls = search_ancestor(node.children[0], "classdef")
    if cls is None:
        return Provenance.UNKNOWN
    graph = model_graph(ctx.project)
    model = graph.resolve(ctx.path, ctx.tree, cls.name.value)
    if model is None:
        return Provenance.UNKNOWN
    info = model.fields.get(attribute)
    if (
        info is not None
        and info.kind == "field"
        and info.field_class
        in (
            "CharField",
            "TextField",
            "SlugField",
            "EmailField",
            "URLField",
            "JSONField",
        )
    ):
        return Provenance.DATA
    return Provenance.UNKNOWN


# -- format_html rewriting --------------------------------------------------------------------
def format_html_parts(built: Built) -> tuple[list[NewPart], list[str]] | str:
    """The template (`{}` for each hole) and the arguments of a `format_html()` call that
    builds what `built` builds, or the reason it cannot."""
    parts: list[NewPart] = []
    args: list[str] = []
    for part in built.parts:
        if isinstance(part, Text):
            parts.append(Text(part.value, part.leaf))
            continue
        if part.expr is None or part.many:
            return "the interpolated values cannot be told apart"
        field = _field(part)
        if field is None:
            return (
                f"`{code_of(part.expr).strip()}` is formatted with `%{part.conversion}`"
            )
        parts.append(Token(field, part.leaf))
        args.append(code_of(part.expr).strip())
    return parts, args


def _field(hole: Hole) -> str | None:
    conversion = hole.conversion
    if conversion in ("", "s"):
        suffix = ""
    elif conversion in ("r", "a"):
        suffix = f"!{conversion}"
    elif conversion in ("d", "i"):
        suffix = ":d"
    elif conversion in ("f", "e", "g", "x", "X", "o"):
        suffix = f":{conversion}"
    else:
        return None
    spec = hole.spec
    if spec and conversion in ("d", "i", "f", "e", "g", "x", "X", "o"):
        suffix = f":{spec}{conversion if conversion != 'i' else 'd'}"
    elif spec:
        suffix += f":{spec}"
    return "{" + suffix + "}"


def format_html_call(
    ctx: FileContext, built: Built, replace: Any, name: str
) -> list[Edit] | str:
    """Edits replacing the node `replace` (which holds `built`) with `name(template, args)`."""
    result = format_html_parts(built)
    if isinstance(result, str):
        return result
    parts, args = result
    if built.remote:
        return "the template is assigned in another statement"
    edits = render(built, parts, braces=True)
    if edits is None:
        return "the literal cannot be rewritten"
    template = _apply(built, edits)
    if template is None:
        return "the literal cannot be rewritten"
    return [replace_node(replace, f"{name}({', '.join([template, *args])})")]


def _apply(built: Built, edits: list[Edit]) -> str | None:
    """The source of `built.node` after `edits` (which all fall inside it)."""
    node = built.node
    source = code_of(node)
    line, column = node.start_pos[0] - 1, node.start_pos[1]
    shifted = []
    for edit in edits:
        span = edit.span
        start = (
            span.start_line - line,
            span.start_column - (column if span.start_line == line else 0),
        )
        end = (
            span.end_line - line,
            span.end_column - (column if span.end_line == line else 0),
        )
        if start[0] < 0 or min(start[1], end[1]) < 0:
            return None
        shifted.append(Edit(Span(start[0], start[1], end[0], end[1]), edit.new_text))
    return apply_edits(source, shifted)
