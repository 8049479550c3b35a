"""What the security rules ask of Python expressions, answered statically with parso.

- Scopes and bindings: the function a node is in, the values a name is bound to there.
- Provenance: is an expression request data (`request.GET`, `request.data`, ...), a
  constant (literals, `ALL_CAPS` names, `settings.X`, `gettext("...")`), or neither.
- String building: `Built` splits an f-string, `"..." % x`, `"...".format(x)`, `a + b`
  or `sep.join([...])` into the text it produces and the holes values go into.
- Imports: where a name comes from, and the edit that imports a missing one.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.edits import insert_after, insert_at
from djvet.core.model import Edit
from djvet.core.parso_utils import call_arguments, code_of, literal_value

MAX_DEPTH = 6
# Attributes of a request that carry what the client sent.
REQUEST_ATTRS = frozenset({"GET", "POST", "data", "query_params", "body", "headers",
                           "COOKIES", "META", "FILES", "content_params"})
_GETTEXT = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy",
                      "pgettext", "pgettext_lazy", "gettext_noop", "format_lazy"})
# Functions whose result is still the data they were given.
_CARRIERS = frozenset({"str", "dict", "list", "loads", "parse_qs", "QueryDict", "deepcopy", "copy"})
_CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


# -- scopes and bindings ----------------------------------------------------------------
def scope_of(node: Any) -> Any:
    """The function, lambda, class or module whose names `node` sees first."""
    return search_ancestor(node, "funcdef", "lambdef", "classdef", "file_input")


def function_of(node: Any) -> Any | None:
    return search_ancestor(node, "funcdef")


@dataclass(frozen=True)
class Binding:
    """One place a name is bound: `kind` is assign, augassign, unpack, param, for, with,
    import or other; `value` the assigned expression (the iterable of a `for`)."""

    kind: str
    name: Any
    statement: Any
    value: Any | None


def bindings(name: Any) -> list[Binding]:
    """Every binding of `name`'s variable in the scope `name` is used in (source order);
    when the scope binds nothing, the module's bindings."""
    scope = scope_of(name)
    found = _bindings_in(name, scope)
    if not found and scope is not None and scope.type != "file_input":
        found = _bindings_in(name, name.get_root_node())
    return found


def _bindings_in(name: Any, scope: Any) -> list[Binding]:
    root = name.get_root_node()
    result = []
    for leaf in root.get_used_names().get(name.value, []):
        if leaf.is_definition() and scope_of(leaf) is scope:
            result.append(_binding(leaf))
    return sorted(result, key=lambda b: b.name.start_pos)


def _binding(leaf: Any) -> Binding:
    statement = leaf.get_definition()
    kind = statement.type if statement is not None else "other"
    if kind == "expr_stmt":
        children = statement.children
        if len(children) == 3 and children[1].type == "operator" and children[1].value not in ("=",):
            return Binding("augassign", leaf, statement, children[2])
        if children[1].type == "annassign":
            annassign = children[1].children
            return Binding("assign", leaf, statement, annassign[3] if len(annassign) >= 4 else None)
        target = leaf.parent
        unpack = target.type in ("testlist_star_expr", "exprlist", "atom", "testlist_comp")
        return Binding("unpack" if unpack else "assign", leaf, statement, children[-1])
    if kind == "for_stmt":
        return Binding("for", leaf, statement, statement.children[3])
    if kind in ("param", "with_stmt", "import_from", "import_name"):
        return Binding({"import_from": "import", "import_name": "import", "with_stmt": "with"}.get(kind, kind), leaf,
                       statement, None)
    return Binding("other", leaf, statement, None)


def reaching(use: Any) -> list[Binding]:
    """The bindings of a variable that may give `use` its value, read in source order:
    from the last one that surely runs before `use` (same block or an enclosing one) to
    the last one before `use`. `value = escape(value)` thus hides the parameter."""
    found = [b for b in bindings(use) if b.name is not use]
    if not found or scope_of(found[0].name) is not scope_of(use):
        return found  # module-level names: any binding may be the current one
    before = [b for b in found if b.name.start_pos < use.start_pos
              and not (b.statement.type == "expr_stmt" and _inside(use, b.statement))]
    if not before:
        return found
    start = 0
    for index, binding in enumerate(before):
        if binding.kind == "param" or _inside(use, _block(binding.statement)):
            start = index
        else:
            branches = _complete_if(binding, before, use)
            if branches is not None:
                start = before.index(branches)
    return before[start:]


def _complete_if(binding: Binding, before: list[Binding], use: Any) -> Binding | None:
    """When `binding` sits in an `if`/`elif`/`else` whose every branch binds the name,
    and the `use` comes after that `if`: the first binding inside it (the `if` as a
    whole surely binds the name)."""
    statement = search_ancestor(binding.statement, "if_stmt")
    if statement is None or _inside(use, statement) or not _inside(use, _block(statement)):
        return None
    suites = [c for c in statement.children if c.type in ("suite", "simple_stmt")]
    if "else" not in [getattr(c, "value", None) for c in statement.children]:
        return None
    inside = [b for b in before if _inside(b.statement, statement)]
    if all(any(_block(b.statement) is suite or b.statement.parent is suite for b in inside)
           for suite in suites):
        return inside[0]
    return None


def _block(statement: Any) -> Any:
    return search_ancestor(statement, "suite", "file_input") or statement.get_root_node()


def _inside(node: Any, ancestor: Any) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def single_value(name: Any) -> Any | None:
    """The value of a variable bound exactly once, by a plain `name = value`."""
    found = bindings(name)
    if len(found) == 1 and found[0].kind == "assign":
        return found[0].value
    return None


def reaching_value(name: Any) -> Any | None:
    """The value of the last plain assignment to `name` before the statement using it
    (straight-line reading: `sql = "..."` then `sql = sql.format(...)`)."""
    statement = name.get_definition() or search_ancestor(name, "expr_stmt", "simple_stmt")
    earlier = [b for b in bindings(name) if b.name.start_pos < name.start_pos
               and (statement is None or b.statement is not statement)]
    if earlier and earlier[-1].kind == "assign":
        return earlier[-1].value
    return None


def loads_of(binding: Binding) -> list[Any]:
    """The uses (not bindings) of a bound variable within its scope."""
    scope = scope_of(binding.name)
    return [leaf for leaf in binding.name.get_root_node().get_used_names().get(binding.name.value, [])
            if not leaf.is_definition() and scope_of(leaf) is scope]


# -- provenance ------------------------------------------------------------------------
def is_request_name(node: Any) -> bool:
    """`request`, or `self.request` in a class-based view."""
    if node.type == "name":
        return node.value == "request"
    return code_of(node) == "self.request"


def is_request_data(node: Any, depth: int = 0) -> bool:
    """Whether `node` holds what the client sent: `request.GET[...]`, `request.data`,
    `self.request.POST.get(...)`, a variable assigned from them, or a string built
    with them. Calls of other functions (validators, `int()`) end the trail."""
    if depth > MAX_DEPTH:
        return False
    kind = node.type
    if kind == "name":
        return any(b.value is not None and b.kind in ("assign", "augassign", "unpack", "for")
                   and is_request_data(b.value, depth + 1) for b in reaching(node))
    if kind in ("atom_expr", "power"):
        return _chain_is_request(node, depth)
    if kind == "atom" and node.children[0] == "(" and len(node.children) == 3:
        return is_request_data(node.children[1], depth)
    if kind in ("or_test", "and_test", "ternary", "test", "arith_expr", "term", "strings", "fstring"):
        return any(is_request_data(child, depth + 1) for child in _operands(node))
    return False


def _operands(node: Any) -> Iterator[Any]:
    if node.type == "test" and len(node.children) == 5 and node.children[1] == "if":
        yield node.children[0]  # `a if condition else b`: the condition is not the value
        yield node.children[4]
        return
    if node.type == "fstring":
        for child in node.children:
            if child.type == "fstring_expr":
                yield child.children[1]
        return
    for child in node.children:
        if child.type not in ("operator", "keyword"):
            yield child


def _chain_is_request(node: Any, depth: int) -> bool:
    children = node.children
    head, trailers = children[0], children[1:]
    if head.type == "name" and head.value == "self" and trailers and _attr(trailers[0]) == "request":
        trailers = trailers[1:]
        return bool(trailers) and _attr(trailers[0]) in REQUEST_ATTRS
    if head.type == "name" and head.value == "request":
        return bool(trailers) and _attr(trailers[0]) in REQUEST_ATTRS
    if head.type == "string" or head.type == "strings":
        # `"...".format(request.GET["q"])`, `", ".join(request.GET.getlist("x"))`
        return any(is_request_data(arg, depth + 1) for arg in _call_args(trailers[-1]))
    if head.type == "name" and head.value in _CARRIERS and len(trailers) == 1:
        return any(is_request_data(arg, depth + 1) for arg in _call_args(trailers[0]))
    if head.type == "name" and len(trailers) == 2 and _attr(trailers[0]) in _CARRIERS:
        return any(is_request_data(arg, depth + 1) for arg in _call_args(trailers[1]))  # json.loads
    if head.type == "name":
        # A method called on tainted data stays tainted (`name.strip()`); a function is a
        # boundary unless it only converts to text.
        return bool(trailers) and _attr(trailers[0]) is not None and is_request_data(head, depth + 1)
    return False


def _attr(trailer: Any) -> str | None:
    if trailer.type == "trailer" and trailer.children[0] == "." and len(trailer.children) == 2:
        return trailer.children[1].value
    return None


def is_starred(argument: Any) -> bool:
    """`*args` or `**kwargs` in a call."""
    return argument.type == "argument" and argument.children[0] in ("*", "**")


def _call_args(trailer: Any) -> list[Any]:
    if trailer.type != "trailer" or trailer.children[0] != "(":
        return []
    positional, keywords = call_arguments(trailer.children[1] if len(trailer.children) == 3 else None)
    return [*positional, *keywords.values()]


def is_constant(node: Any, depth: int = 0) -> bool:
    """Literals, `ALL_CAPS` names, `settings.X`, names bound only to constants,
    `gettext("...")`, and strings built from constants only."""
    if depth > MAX_DEPTH:
        return False
    kind = node.type
    if kind in ("number", "keyword") or (kind in ("string", "strings") and _plain_string(node)):
        return True
    if kind == "name":
        if _CONSTANT_NAME.match(node.value) or node.value in ("True", "False", "None"):
            return True
        found = reaching(node)
        return bool(found) and all(b.kind == "assign" and b.value is not None
                                   and is_constant(b.value, depth + 1) for b in found)
    if kind in ("atom_expr", "power"):
        return _constant_chain(node, depth)
    if kind == "atom":
        inner = node.children[1:-1]
        return all(is_constant(child, depth + 1) for child in _flat_items(inner))
    if kind in ("fstring", "strings", "arith_expr", "term", "or_test", "and_test", "test",
                "comparison", "not_test", "factor"):
        return all(is_constant(child, depth + 1) for child in _operands(node))
    return False


def _flat_items(nodes: list[Any]) -> Iterator[Any]:
    for node in nodes:
        if node.type in ("testlist_comp", "dictorsetmaker", "exprlist", "testlist"):
            if any(c.type in ("comp_for", "sync_comp_for") for c in node.children):
                yield node  # a comprehension: not a constant
                continue
            yield from (c for c in node.children if c.type != "operator")
        elif node.type != "operator":
            yield node


def _plain_string(node: Any) -> bool:
    leaves = node.children if node.type == "strings" else [node]
    return all(leaf.type == "string" for leaf in leaves)


def _constant_chain(node: Any, depth: int) -> bool:
    children = node.children
    head = children[0]
    if head.type == "name" and head.value == "settings" and all(_attr(t) for t in children[1:]):
        return True
    if head.type == "name" and head.value in _GETTEXT and len(children) == 2:
        args = _call_args(children[1])
        return bool(args) and all(is_constant(a, depth + 1) for a in args)
    if head.type in ("string", "strings") and len(children) == 3 and _attr(children[1]) in (
            "format", "join", "upper", "lower", "strip"):
        return _plain_string(head) and all(is_constant(a, depth + 1) for a in _call_args(children[2]))
    # `Status.PAID`, `Order.Status.PAID.value`: class constants of an enum-like.
    return all(_attr(t) for t in children[1:]) and any(
        _CONSTANT_NAME.match(_attr(t) or "") for t in children[1:])


# -- string literals ---------------------------------------------------------------------
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
    rest = text[len(letters):]
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
        if "\\" not in value and quote[0] not in value and (triple or "\n" not in value):
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
            method = _attr(node.children[1])
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
    return any(leaf.type == "fstring" and any(c.type == "fstring_expr" for c in leaf.children)
               for leaf in leaves)


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
                value = string_text(lit, child.value.replace("{{", "{").replace("}}", "}"))
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
    if node.type not in ("string", "strings") or not _plain_string(node):
        return None
    literals = _literals(node)
    if literals is None:
        return None
    values = [literal_value(lit.node) for lit in literals]
    if not all(isinstance(v, str) for v in values):
        return None
    return literals, values


_PERCENT = re.compile(r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?"
                      r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


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
            parts.append(Text(value[position:match.start()], index))
            position = match.end()
            if match["type"] == "%":
                parts.append(Text("%", index))
                continue
            spec = (match["flags"] or "") + (match["width"] or "") + (
                f".{match['precision']}" if match["precision"] else "")
            parts.append(Hole(match["key"], index, match["type"], spec))
            specs += 1
        parts.append(Text(value[position:], index))
    items = _percent_items(right, [p for p in parts if isinstance(p, Hole)])
    if items is None:
        return None
    for hole, item in zip([p for p in parts if isinstance(p, Hole)], items, strict=True):
        hole.expr = item
    return Built("percent", node, _merge(parts), literals, remote=left.type == "name")


def _percent_items(right: Any, holes: list[Hole]) -> list[Any | None] | None:
    keyed = [h.expr for h in holes if h.expr is not None]
    if keyed:
        mapping = _dict_items(right)
        return [mapping.get(key) if mapping is not None else None for key in keyed] \
            if len(keyed) == len(holes) else None
    items = _tuple_items(right)
    if items is None:
        # `"... %s" % value` (one hole) or `"... %s %s" % args` (items unknown).
        return [right] if len(holes) == 1 else [None] * len(holes)
    return items if len(items) == len(holes) else None


def _tuple_items(node: Any) -> list[Any] | None:
    if node.type == "name":
        value = single_value(node)
        return _tuple_items(value) if value is not None and value.type == "atom" else None
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
        for key, _colon, value in zip(items[0::3], items[1::3], items[2::3], strict=False):
            text = literal_value(key)
            if not isinstance(text, str):
                return None
            result[text] = value
        return result
    if node.type in ("atom_expr", "power") and code_of(node.children[0]) == "dict" and len(node.children) == 2:
        positional, keywords = call_arguments(node.children[1].children[1]
                                              if len(node.children[1].children) == 3 else None)
        return None if positional else keywords
    return None


def _from_format(node: Any) -> Built | None:
    template = _template(node.children[0])
    if template is None:
        return None
    literals, values = template
    positional, keywords = call_arguments(
        node.children[2].children[1] if len(node.children[2].children) == 3 else None)
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
                expr = positional[auto] if auto < len(positional) and not starred else None
                auto += 1
            elif name.isdigit():
                number = int(name)
                expr = positional[number] if number < len(positional) and not starred else None
            elif name.isidentifier():
                expr = keywords.get(name)
            parts.append(Hole(expr, index, conversion or "", spec or ""))
    return Built("format", node, _merge(parts), literals, remote=node.children[0].type == "name")


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
                parts.append(Text(part.value, offset) if isinstance(part, Text)
                             else Hole(part.expr, offset, part.conversion, part.spec, part.node))
            literals.extend(inner.literals)
            continue
        parts.append(Hole(operand))
    return Built("concat", node, _merge(parts), literals)


def _from_join(node: Any) -> Built | None:
    template = _template(node.children[0])
    if template is None:
        return None
    separator = template[1][0] if len(template[1]) == 1 else "".join(template[1])
    arguments = _call_args(node.children[2])
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
        parts.append(Text(value) if isinstance(value, str) else Hole(item))
    return Built("join", node, _merge(parts), [])


def _list_items(node: Any) -> list[Any] | None:
    if node.type == "atom" and node.children[0] in ("[", "(") and len(node.children) == 3:
        inner = node.children[1]
        if inner.type == "testlist_comp" and not any(
                c.type in ("comp_for", "sync_comp_for") for c in inner.children):
            return [c for c in inner.children if c != ","]
        if inner.type not in ("testlist_comp",) and node.children[0] == "[":
            return [inner]
    return None


def placeholder_list(node: Any) -> bool:
    """`", ".join(["%s"] * n)`, `",".join("%s" for _ in ids)`, `"%s, " * n`: a run of
    placeholders, not data."""
    if node.type == "term" and len(node.children) == 3 and node.children[1] == "*":
        return _only_placeholders(node.children[0]) or _only_placeholders(node.children[2])
    if node.type in ("atom_expr", "power") and len(node.children) == 3 and _attr(node.children[1]) == "join":
        args = _call_args(node.children[2])
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
    if node.type == "argument" and len(node.children) == 2 and node.children[1].type in (
            "comp_for", "sync_comp_for"):
        return node.children[0]
    if node.type == "atom" and len(node.children) == 3 and node.children[1].type == "testlist_comp":
        inner = node.children[1].children
        if len(inner) == 2 and inner[1].type in ("comp_for", "sync_comp_for"):
            return inner[0]
    return None


def _only_placeholders(node: Any) -> bool:
    if node.type == "atom" and node.children[0] in ("[", "("):
        items = _list_items(node)
        return items is not None and bool(items) and all(_only_placeholders(i) for i in items)
    value = literal_value(node) if node.type in ("string", "strings") else None
    return isinstance(value, str) and re.fullmatch(r"[\s,()]*(%s[\s,()]*)+", value) is not None


# -- querysets -------------------------------------------------------------------------------
_QUERYSET_METHODS = frozenset({"objects", "all", "filter", "exclude", "order_by", "annotate",
                               "select_related", "prefetch_related", "distinct", "using",
                               "values", "only", "defer", "get_queryset", "none", "_default_manager",
                               "_base_manager", "select_for_update", "alias"})


def queryset_chain(receiver: list[Any]) -> bool:
    """Whether a call receiver (head and trailers) is a manager or queryset:
    `Book.objects...`, `qs.filter(...)`, `self.get_queryset()`, or a variable named like
    one (`qs`, `queryset`) or bound to such a chain."""
    names = {t.children[1].value for t in receiver[1:]
             if t.type == "trailer" and t.children[0] == "." and len(t.children) == 2}
    if names & _QUERYSET_METHODS:
        return True
    head = receiver[0]
    if len(receiver) != 1 or head.type != "name":
        return False
    if head.value in ("qs", "queryset") or head.value.endswith(("_qs", "_queryset", "queryset")):
        return True
    return any(b.value is not None and b.value.type in ("atom_expr", "power") and queryset_chain(
        b.value.children) for b in bindings(head) if b.kind == "assign")


# -- peer suppressions -------------------------------------------------------------------
_PEER_NOQA = re.compile(r"#\s*(?:noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)"
                        r"|pylint:\s*disable\s*=\s*(?P<pylint>[\w-]+(?:\s*,\s*[\w-]+)*)"
                        r"|nosec\b(?P<nosec>.*))")


def peer_suppressed(ctx: FileContext, node: Any, codes: tuple[str, ...]) -> bool:
    """Whether the team already silenced a peer checker's rule for the same problem at
    this spot: `# noqa: S308` (ruff, flake8), `# pylint: disable=modelform-uses-exclude`
    (on the lines of `node` or alone on the line above), or bandit's `# nosec`."""
    lines = ctx.document.lines
    first, last = node.start_pos[0] - 1, min(node.end_pos[0] - 1, len(lines) - 1)
    numbers = list(range(first, last + 1))
    if first > 0 and lines[first - 1].lstrip().startswith("#"):
        numbers.append(first - 1)
    for number in numbers:
        for match in _PEER_NOQA.finditer(lines[number]):
            if match["nosec"] is not None:
                return True
            listed = match["codes"] or match["pylint"] or ""
            if {c.strip() for c in listed.split(",")} & set(codes):
                return True
    return False


# -- imports -----------------------------------------------------------------------------------
def imported_from(ctx: FileContext, name: str) -> str | None:
    """`django.utils.html` for a module-level `from django.utils.html import name`."""
    for node in ctx.tree.iter_imports():
        if node.type != "import_from":
            continue
        for original, alias in node._as_name_tuples():
            if (alias or original).value == name:
                return ".".join(n.value for n in node.get_from_names())
    return None


def names_from(ctx: FileContext, module: str, name: str) -> str | None:
    """The local name `module.name` is imported as (`from module import name as x`)."""
    for node in ctx.tree.iter_imports():
        if node.type == "import_from" and ".".join(n.value for n in node.get_from_names()) == module:
            for original, alias in node._as_name_tuples():
                if original.value == name:
                    return (alias or original).value
    return None


def import_edits(ctx: FileContext, module: str, name: str) -> tuple[Edit, ...]:
    """Edits importing `name` from `module`: added to an existing `from module import`
    at module level, else on a new line after the module's leading imports."""
    if names_from(ctx, module, name) == name:
        return ()
    for node in ctx.tree.iter_imports():
        if node.type == "import_from" and not node.level and search_ancestor(
                node, "funcdef", "classdef", "if_stmt", "try_stmt") is None \
                and ".".join(n.value for n in node.get_from_names()) == module:
            names = node.get_defined_names()
            if names and node.children[-1] != "*":
                last = names[-1]
                anchor = last.parent if last.parent.type == "import_as_name" else last
                return (insert_after(anchor, f", {name}"),)
    line = 0
    for child in ctx.tree.children:
        first = child.children[0] if child.type == "simple_stmt" else child
        is_docstring = first.type == "string" and line == 0
        if not (is_docstring or first.type in ("import_from", "import_name")):
            break
        end_line, end_column = child.end_pos
        line = end_line - 1 if end_column == 0 else end_line
    return (insert_at(line, 0, f"from {module} import {name}\n"),)
