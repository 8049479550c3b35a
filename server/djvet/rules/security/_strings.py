"""Strings built at run time, read statically: `Built` splits an f-string, `"..." % x`,
`"...".format(...)`, a `+` of literals and values or `sep.join([...])` into the text it
produces and the holes values go into; `render_literal` writes a value back as a literal.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field
from typing import Any

from djvet.core.parso_utils import call_arguments, code_of, literal_value
from djvet.rules.security._scopes import (
    attr_name,
    call_args,
    is_starred,
    reaching_value,
    single_value,
)


@dataclass(frozen=True)
class Literal:
    """A string literal (`string` leaf) or f-string (`fstring` node) and its quoting."""

    node: Any
    prefix: str  # letters before the quote, lower case, without `f`
    quote: str  # `'`, `"`, `'''` or `"""`
    fstring: bool

    @property
    def raw(self) -> bool:
        return "r" in self.prefix

    @property
    def triple(self) -> bool:
        return len(self.quote) == 3


def literal_of(node: Any) -> Literal | None:
    if node.type == "string":
        text = node.value
    elif node.type == "fstring":
        text = node.children[0].value
    else:
        return None
    letters = re.match(r"[A-Za-z]*", text).group()
    rest = text[len(letters) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    lower = letters.lower()
    if "b" in lower:
        return None  # bytes are not SQL or HTML text
    return Literal(node, lower.replace("f", ""), quote, "f" in lower)


def string_text(leaf: Literal, source: str) -> str | None:
    """The value of a piece of literal source (`source` without quotes), or None."""
    try:
        value = ast.literal_eval(f"{leaf.prefix}{leaf.quote}{source}{leaf.quote}")
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def render_literal(value: str, *, quote: str = '"', prefix: str = "") -> str:
    """`value` as a Python literal with the given quotes (raw only when nothing needs
    escaping)."""
    triple = len(quote) == 3
    if "r" in prefix:
        if (
            "\\" not in value
            and quote[0] not in value
            and (triple or "\n" not in value)
        ):
            return f"{prefix}{quote}{value}{quote}"
        prefix = prefix.replace("r", "")
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == "\n" and triple:
            out.append("\n")
        elif char in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif char == quote[0] and not triple:
            out.append("\\" + char)
        elif ord(char) < 32:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    body = "".join(out)
    if triple:
        # A quote run that could close the literal, or a quote at its very end, is escaped.
        body = body.replace(quote[0] * 3, (("\\" + quote[0]) * 3))
        if body.endswith(quote[0]):
            body = body[:-1] + "\\" + quote[0]
    return f"{prefix}{quote}{body}{quote}"


def plain_string(node: Any) -> bool:
    leaves = node.children if node.type == "strings" else [node]
    return all(leaf.type == "string" for leaf in leaves)


# -- built strings -------------------------------------------------------------------------
@dataclass
class Text:
    value: str  # the characters the program produces
    leaf: int | None = None  # index of the literal holding them in `Built.literals`


@dataclass
class Hole:
    """A place a value goes into: `expr` (None when it cannot be told, e.g.
    `"%s %s" % args`), its conversion (`r`, `s`, `d` for `%d`...), its format spec."""

    expr: Any | None
    leaf: int | None = None
    conversion: str = ""
    spec: str = ""
    node: Any = None  # the `fstring_expr` of an f-string hole
    many: bool = False  # `sep.join(iterable)`: many values in one hole


Part = Text | Hole


@dataclass
class Built:
    """A string built at run time: `kind` is fstring, percent, format, concat or join."""

    kind: str
    node: Any
    parts: list[Part]
    literals: list[Literal] = field(default_factory=list)
    remote: bool = False  # the template is a literal assigned in another statement

    @property
    def holes(self) -> list[Hole]:
        return [p for p in self.parts if isinstance(p, Hole)]

    def text(self, mark: str = "\x00") -> str:
        return "".join(p.value if isinstance(p, Text) else mark for p in self.parts)


def built_string(node: Any) -> Built | None:
    """How `node` builds a string, when it is an f-string with fields, `"..." % x`,
    `"...".format(...)`, a `+` of string literals and values, or `sep.join([...])`."""
    kind = node.type
    try:
        if kind in ("fstring", "strings") and _has_fstring_fields(node):
            return _from_fstrings(node)
        if kind == "term" and len(node.children) == 3 and node.children[1] == "%":
            return _from_percent(node)
        if kind in ("atom_expr", "power") and len(node.children) == 3:
            method = attr_name(node.children[1])
            if method == "format":
                return _from_format(node)
            if method == "join":
                return _from_join(node)
        if kind == "arith_expr":
            return _from_concat(node)
    except (ValueError, IndexError, KeyError):
        return None  # a malformed format string: Python would raise too
    return None


def _has_fstring_fields(node: Any) -> bool:
    leaves = node.children if node.type == "strings" else [node]
    return any(
        leaf.type == "fstring" and any(c.type == "fstring_expr" for c in leaf.children)
        for leaf in leaves
    )


def _literals(node: Any) -> list[Literal] | None:
    leaves = node.children if node.type == "strings" else [node]
    found = [literal_of(leaf) for leaf in leaves]
    return None if any(lit is None for lit in found) else found  # type: ignore[return-value]


def _from_fstrings(node: Any) -> Built | None:
    literals = _literals(node)
    if literals is None:
        return None
    parts: list[Part] = []
    for index, lit in enumerate(literals):
        if not lit.fstring:
            value = literal_value(lit.node)
            if not isinstance(value, str):
                return None
            parts.append(Text(value, index))
            continue
        for child in lit.node.children[1:-1]:
            if child.type == "fstring_string":
                value = string_text(
                    lit, child.value.replace("{{", "{").replace("}}", "}")
                )
                if value is None:
                    return None
                parts.append(Text(value, index))
            elif child.type == "fstring_expr":
                parts.append(_fstring_hole(child, index))
    return Built("fstring", node, _merge(parts), literals)


def _fstring_hole(expr: Any, index: int) -> Hole:
    conversion, spec = "", ""
    for child in expr.children[2:-1]:
        if child.type == "fstring_conversion":
            conversion = child.children[1].value
        elif child.type == "fstring_format_spec":
            spec = "".join(code_of(c) for c in child.children[1:])
    return Hole(expr.children[1], index, conversion, spec, node=expr)


def _merge(parts: list[Part]) -> list[Part]:
    """Adjacent texts of one literal become one text."""
    merged: list[Part] = []
    for part in parts:
        last = merged[-1] if merged else None
        if isinstance(part, Text) and isinstance(last, Text) and last.leaf == part.leaf:
            merged[-1] = Text(last.value + part.value, last.leaf)
        elif not (isinstance(part, Text) and part.value == ""):
            merged.append(part)
    return merged


def _template(node: Any) -> tuple[list[Literal], list[str]] | None:
    """The literals of a plain string template and their values."""
    if node.type == "name":
        value = reaching_value(node)
        return _template(value) if value is not None and value.type != "name" else None
    if node.type not in ("string", "strings") or not plain_string(node):
        return None
    literals = _literals(node)
    if literals is None:
        return None
    values = [literal_value(lit.node) for lit in literals]
    if not all(isinstance(v, str) for v in values):
        return None
    return literals, values


_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?"
    r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)


def _from_percent(node: Any) -> Built | None:
    left, right = node.children[0], node.children[2]
    template = _template(left)
    if template is None:
        return None
    literals, values = template
    parts: list[Part] = []
    specs = 0
    for index, value in enumerate(values):
        position = 0
        for match in _PERCENT.finditer(value):
            parts.append(Text(value[position : match.start()], index))
            position = match.end()
            if match["type"] == "%":
                parts.append(Text("%", index))
                continue
            spec = (
                (match["flags"] or "")
                + (match["width"] or "")
                + (f".{match['precision']}" if match["precision"] else "")
            )
            parts.append(Hole(match["key"], index, match["type"], spec))
            specs += 1
        parts.append(Text(value[position:], index))
    items = _percent_items(right, [p for p in parts if isinstance(p, Hole)])
    if items is None:
        return None
    for hole, item in zip(
        [p for p in parts if isinstance(p, Hole)], items, strict=True
    ):
        hole.expr = item
    return Built("percent", node, _merge(parts), literals, remote=left.type == "name")


def _percent_items(right: Any, holes: list[Hole]) -> list[Any | None] | None:
    keyed = [h.expr for h in holes if h.expr is not None]
    if keyed:
        mapping = _dict_items(right)
        return (
            [mapping.get(key) if mapping is not None else None for key in keyed]
            if len(keyed) == len(holes)
            else None
        )
    items = _tuple_items(right)
    if items is None:
        # `"... %s" % value` (one hole) or `"... %s %s" % args` (items unknown).
        return [right] if len(holes) == 1 else [None] * len(holes)
    return items if len(items) == len(holes) else None


def _tuple_items(node: Any) -> list[Any] | None:
    if node.type == "name":
        value = single_value(node)
        return (
            _tuple_items(value) if value is not None and value.type == "atom" else None
        )
    if node.type != "atom" or node.children[0] != "(":
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if inner.type == "testlist_comp":
        if any(c.type in ("comp_for", "sync_comp_for") for c in inner.children):
            return None
        return [c for c in inner.children if c != ","]
    return None  # `(x)` is not a tuple


def _dict_items(node: Any) -> dict[str, Any] | None:
    if node.type == "name":
        value = single_value(node)
        return _dict_items(value) if value is not None else None
    if node.type == "atom" and node.children[0] == "{" and len(node.children) == 3:
        inner = node.children[1]
        if inner.type != "dictorsetmaker":
            return None
        items = [c for c in inner.children if c != ","]
        result = {}
        for key, _colon, value in zip(
            items[0::3], items[1::3], items[2::3], strict=False
        ):
            text = literal_value(key)
            if not isinstance(text, str):
                return None
            result[text] = value
        return result
    if (
        node.type in ("atom_expr", "power")
        and code_of(node.children[0]) == "dict"
        and len(node.children) == 2
    ):
        positional, keywords = call_arguments(
            node.children[1].children[1]
            if len(node.children[1].children) == 3
            else None
        )
        return None if positional else keywords
    return None


def _from_format(node: Any) -> Built | None:
    template = _template(node.children[0])
    if template is None:
        return None
    literals, values = template
    positional, keywords = call_arguments(
        node.children[2].children[1] if len(node.children[2].children) == 3 else None
    )
    starred = any(is_starred(p) for p in positional)
    parts: list[Part] = []
    auto = 0
    for index, value in enumerate(values):
        for text, name, spec, conversion in string.Formatter().parse(value):
            parts.append(Text(text, index))
            if name is None:
                continue
            expr = None
            if name == "":
                expr = (
                    positional[auto] if auto < len(positional) and not starred else None
                )
                auto += 1
            elif name.isdigit():
                number = int(name)
                expr = (
                    positional[number]
                    if number < len(positional) and not starred
                    else None
                )
            elif name.isidentifier():
                expr = keywords.get(name)
            parts.append(Hole(expr, index, conversion or "", spec or ""))
    return Built(
        "format", node, _merge(parts), literals, remote=node.children[0].type == "name"
    )


def _from_concat(node: Any) -> Built | None:
    operators = node.children[1::2]
    if any(op != "+" for op in operators):
        return None
    operands = node.children[0::2]
    if not any(op.type in ("string", "strings", "fstring") for op in operands):
        return None
    parts: list[Part] = []
    literals: list[Literal] = []
    for operand in operands:
        template = _template(operand)
        if template is not None:
            for lit, value in zip(*template, strict=True):
                parts.append(Text(value, len(literals)))
                literals.append(lit)
            continue
        inner = built_string(operand) if operand.type != "arith_expr" else None
        if inner is not None and inner.kind == "fstring":
            for part in inner.parts:
                offset = part.leaf + len(literals) if part.leaf is not None else None
                parts.append(
                    Text(part.value, offset)
                    if isinstance(part, Text)
                    else Hole(part.expr, offset, part.conversion, part.spec, part.node)
                )
            literals.extend(inner.literals)
            continue
        parts.append(Hole(operand))
    return Built("concat", node, _merge(parts), literals)


def _from_join(node: Any) -> Built | None:
    template = _template(node.children[0])
    if template is None:
        return None
    separator = template[1][0] if len(template[1]) == 1 else "".join(template[1])
    arguments = call_args(node.children[2])
    if len(arguments) != 1:
        return None
    items = _list_items(arguments[0])
    if items is None:
        return Built("join", node, [Hole(arguments[0], many=True)], [])
    parts: list[Part] = []
    for number, item in enumerate(items):
        if number:
            parts.append(Text(separator))
        value = literal_value(item) if item.type in ("string", "strings") else None
        inner = built_string(item) if not isinstance(value, str) else None
        if isinstance(value, str):
            parts.append(Text(value))
        elif inner is not None and inner.kind == "fstring":
            # `" ".join(["... WHERE a =", f"'{x}'"])`: the item's own text and holes; the
            # join is rewritten as one new literal, so they belong to no literal.
            parts += [
                Text(p.value)
                if isinstance(p, Text)
                else Hole(p.expr, None, p.conversion, p.spec, p.node)
                for p in inner.parts
            ]
        else:
            parts.append(Hole(item))
    return Built("join", node, _merge(parts), [])


def _list_items(node: Any) -> list[Any] | None:
    if (
        node.type == "atom"
        and node.children[0] in ("[", "(")
        and len(node.children) == 3
    ):
        inner = node.children[1]
        if inner.type == "testlist_comp" and not any(
            c.type in ("comp_for", "sync_comp_for") for c in inner.children
        ):
            return [c for c in inner.children if c != ","]
        if inner.type not in ("testlist_comp",) and node.children[0] == "[":
            return [inner]
    return None


def placeholder_list(node: Any) -> bool:
    """`", ".join(["%s"] * n)`, `",".join("%s" for _ in ids)`, `"%s, " * n`: a run of
    placeholders, not data."""
    if node.type == "term" and len(node.children) == 3 and node.children[1] == "*":
        return _only_placeholders(node.children[0]) or _only_placeholders(
            node.children[2]
        )
    if (
        node.type in ("atom_expr", "power")
        and len(node.children) == 3
        and attr_name(node.children[1]) == "join"
    ):
        args = call_args(node.children[2])
        if len(args) == 1:
            arg = args[0]
            if arg.type == "term":
                return placeholder_list(arg)
            comprehension = _comprehension_element(arg)
            if comprehension is not None:
                return _only_placeholders(comprehension)
            items = _list_items(arg)
            return items is not None and all(_only_placeholders(i) for i in items)
    return False


def _comprehension_element(node: Any) -> Any | None:
    if (
        node.type == "argument"
        and len(node.children) == 2
        and node.children[1].type in ("comp_for", "sync_comp_for")
    ):
        return node.children[0]
    if (
        node.type == "atom"
        and len(node.children) == 3
        and node.children[1].type == "testlist_comp"
    ):
        inner = node.children[1].children
        if len(inner) == 2 and inner[1].type in ("comp_for", "sync_comp_for"):
            return inner[0]
    return None


def _only_placeholders(node: Any) -> bool:
    if node.type == "atom" and node.children[0] in ("[", "("):
        items = _list_items(node)
        return (
            items is not None
            and bool(items)
            and all(_only_placeholders(i) for i in items)
        )
    value = literal_value(node) if node.type in ("string", "strings") else None
    return (
        isinstance(value, str)
        and re.fullmatch(r"[\s,()]*(%s[\s,()]*)+", value) is not None
    )
