"""Rewriting a built string (`_code.Built`) into a new literal: the text it keeps, the
tokens that replace its holes (`%s` for SQL parameters, `{}` for `format_html`), and
the f-string fields it keeps as they are.

Literals are rewritten where they stand, one by one, so implicit concatenation, line
breaks and quote styles survive; a `+` chain or a `join` becomes one new literal.
"""

from __future__ import annotations

from dataclasses import dataclass

from djvet.core.edits import replace_node
from djvet.core.model import Edit, Span
from djvet.core.parso_utils import code_of
from djvet.rules.security._strings import Built, Hole, Literal, Text, render_literal


@dataclass
class Token:
    """Template text written as is (`%s`, `{}`), not escaped."""

    value: str
    leaf: int | None = None


@dataclass
class Keep:
    """An f-string field kept in the output (`{table}` in an SQL f-string)."""

    hole: Hole

    @property
    def source(self) -> str:
        if self.hole.node is not None:
            return code_of(self.hole.node)
        return "{" + code_of(self.hole.expr).strip() + "}"


NewPart = Text | Token | Keep


def render(built: Built, parts: list[NewPart], *, braces: bool) -> list[Edit] | None:
    """Edits turning `built` into the string `parts` describe. `braces`: the result is a
    `str.format` template (`format_html`), so literal braces are doubled."""
    if any(isinstance(p, Keep) for p in parts) and built.kind not in (
        "fstring",
        "concat",
    ):
        return None
    if built.kind in ("fstring", "percent", "format"):
        return _in_place(built, parts, braces)
    return _whole(built, parts, braces)


def _in_place(built: Built, parts: list[NewPart], braces: bool) -> list[Edit] | None:
    by_leaf: dict[int, list[NewPart]] = {
        index: [] for index in range(len(built.literals))
    }
    for part in parts:
        leaf = part.hole.leaf if isinstance(part, Keep) else part.leaf
        if leaf is None:
            return None
        by_leaf[leaf].append(part)
    edits = []
    for index, literal in enumerate(built.literals):
        text = _literal_text(literal, by_leaf[index], braces, literal.quote)
        if text is None:
            return None
        edits.append(replace_node(literal.node, text))
    if built.kind == "percent":
        left, right = built.node.children[0], built.node.children[2]
        edits.append(Edit(Span.of_positions(left.end_pos, right.end_pos), ""))
    elif built.kind == "format":
        head, call = built.node.children[0], built.node.children[2]
        edits.append(Edit(Span.of_positions(head.end_pos, call.end_pos), ""))
    return edits


def _whole(built: Built, parts: list[NewPart], braces: bool) -> list[Edit] | None:
    first = built.literals[0] if built.literals else None
    kept = [p.source for p in parts if isinstance(p, Keep)]
    quote = '"'
    if (
        first is not None
        and first.triple
        and any("\n" in p.value for p in parts if isinstance(p, Text))
    ):
        quote = first.quote
    elif first is not None:
        quote = first.quote[0]
    if any(quote[0] in source or "\\" in source for source in kept):
        other = "'" if quote[0] == '"' else '"'
        if any(other in source or "\\" in source for source in kept):
            return None
        quote = other * len(quote)
    probe = Literal(built.node, "", quote, False)
    text = _literal_text(probe, parts, braces, quote)
    return None if text is None else [replace_node(built.node, text)]


# private-use characters stand for tokens and kept fields while rendering
_MARK = 0xE000


def _literal_text(
    literal: Literal, parts: list[NewPart], braces: bool, quote: str
) -> str | None:
    fields = any(isinstance(p, Keep) for p in parts)
    chunks, inserts = [], []
    for part in parts:
        if isinstance(part, Text):
            value = part.value
            if braces or fields:
                value = value.replace("{", "{{").replace("}", "}}")
            if any(_MARK <= ord(c) < _MARK + 4096 for c in value):
                return None
            chunks.append(value)
        else:
            chunks.append(chr(_MARK + len(inserts)))
            inserts.append(part.value if isinstance(part, Token) else part.source)
    prefix = literal.prefix
    # `u` cannot prefix an f-string; a raw f-string is rendered escaped instead
    if fields:
        prefix = prefix.replace("r", "").replace("u", "")
    rendered = render_literal("".join(chunks), quote=quote, prefix=prefix)
    for number, insert in enumerate(inserts):
        rendered = rendered.replace(chr(_MARK + number), insert)
    return ("f" + rendered) if fields else rendered
