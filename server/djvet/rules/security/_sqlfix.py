"""Rewrite interpolated SQL to `%s` placeholders and a params list (DJV220's fix).

Every hole in a value position becomes a `%s` and its expression a parameter, in order.
A value quoted in the SQL loses its quotes (`'{name}'` → `%s`); a hole inside a quoted
literal makes the whole literal one parameter (`'%{q}%'` → `%s` with `f"%{q}%"`).
Identifiers from the code (`{Book._meta.db_table}`) stay in an f-string. Anything else —
an identifier or clause from a variable, a list in `IN (...)`, SQL assembled over several
statements — gets no edit, only the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from djvet.core.edits import insert_after, replace_node
from djvet.core.model import Edit
from djvet.core.parso_utils import code_of
from djvet.rules.security._rewrite import Keep, NewPart, Token, render
from djvet.rules.security._scopes import Binding, loads_of
from djvet.rules.security._sql import Sink, Slot
from djvet.rules.security._strings import Built, Hole, Text

_PLACEHOLDER = re.compile(r"%%|%s")


@dataclass
class Plan:
    edits: list[Edit] | None = None
    reason: str | None = None


def parameterize(
    sink: Sink,
    slot_name: str,
    argument: Any,
    built: Built,
    found: list[Slot],
    binding: Binding | None,
) -> Plan:
    """The edits that move `built`'s values into the params of `sink`, or the reason why not."""
    reason = _blocker(sink, built, found, binding)
    if reason:
        return Plan(reason=reason)
    # Django sends the SQL through `%` formatting only when the query takes parameters.
    double = (
        sink.kind in ("execute", "executemany") and sink.params.get(slot_name) is None
    )
    atoms = _atoms(built)
    by_index = {s.index: s for s in found}
    params: list[str] = []
    out: list[Any] = []
    position = 0
    while position < len(atoms):
        kind, value, leaf = atoms[position]
        slot = by_index.get(value) if kind == "hole" else None
        if slot is None:
            out.append(atoms[position])
        elif slot.position == "identifier":
            out.append(("keep", slot.hole, leaf))
        elif slot.position == "quoted":
            if not (
                out
                and out[-1][:2] == ("char", "'")
                and position + 1 < len(atoms)
                and atoms[position + 1][:2] == ("char", "'")
            ):
                return Plan(reason="the quotes around the value are not plain text")
            out.pop()  # the opening quote; the closing one is skipped below
            out.append(("token", "%s", leaf))
            params.append(_param(slot.hole))
            position += 1
        elif slot.position == "value":
            out.append(("token", "%s", leaf))
            params.append(_param(slot.hole))
        else:  # quoted-part: the whole quoted literal becomes one f-string parameter
            start = _opening(out)
            inner, position = _quoted_run(atoms, position, by_index)
            head = out[start + 1 :]
            del out[start:]
            out.append(("token", "%s", leaf))
            param = _fstring_param(head + inner, collapse=not double)
            if param is None:
                return Plan(reason="the quoted value mixes quote styles")
            params.append(param)
        position += 1
    parts = _parts(out, double)
    edits = render(built, parts, braces=False)
    if edits is None:
        return Plan(reason="the literal cannot be rewritten in place")
    params_edits = _params_edits(sink, slot_name, argument, parts, params)
    if isinstance(params_edits, str):
        return Plan(reason=params_edits)
    return Plan(edits=[*edits, *params_edits])


def _blocker(
    sink: Sink, built: Built, found: list[Slot], binding: Binding | None
) -> str | None:
    if not sink.django:
        return "the placeholder style depends on this cursor's driver"
    if sink.starred:
        return "the call unpacks `*args`/`**kwargs`"
    if sink.kind == "executemany":
        return "`executemany()` takes one row of parameters per run"
    if built.remote:
        return "the SQL template is assigned in another statement"
    if binding is not None:
        if binding.kind != "assign":
            return f"`{binding.name.value}` is built over several statements"
        if len(loads_of(binding)) != 1:
            return f"`{binding.name.value}` is used elsewhere too"
    for slot in found:
        reason = _slot_blocker(slot, built)
        if reason:
            return reason
    return None


def _slot_blocker(slot: Slot, built: Built) -> str | None:
    hole = slot.hole
    name = f"`{code_of(hole.expr)}`" if hole.expr is not None else "the values"
    if hole.expr is None:
        return "the interpolated values cannot be told apart"
    if slot.position == "identifier":
        if not slot.trusted:
            return f"{name} is an identifier or SQL clause; it cannot be a parameter"
        if built.kind not in ("fstring", "concat"):
            return f"{name} (an identifier) would have to stay interpolated"
        return None
    if slot.position == "list":
        return f"{name} holds several values: give each its own `%s`"
    if hole.conversion not in ("", "s", "r", "d", "i") or hole.spec not in ("", "d"):
        return f"{name} is formatted (`{hole.conversion or ''}{hole.spec}`)"
    return None


def _atoms(built: Built) -> list[tuple[str, Any, int | None]]:
    """One atom per character of text (`("char", c, leaf)`) or per hole (`("hole", i, leaf)`)."""
    atoms: list[tuple[str, Any, int | None]] = []
    for index, part in enumerate(built.parts):
        if isinstance(part, Text):
            atoms += [("char", char, part.leaf) for char in part.value]
        else:
            atoms.append(("hole", index, part.leaf))
    return atoms


def _opening(out: list[Any]) -> int:
    """Index in `out` of the quote that opened the literal being built (`''` inside a
    literal is an escaped quote)."""
    inside, opened, index = False, 0, 0
    while index < len(out):
        if out[index][:2] == ("char", "'"):
            if inside and index + 1 < len(out) and out[index + 1][:2] == ("char", "'"):
                index += 2
                continue
            inside = not inside
            if inside:
                opened = index
        index += 1
    return opened


def _quoted_run(
    atoms: list[Any], position: int, by_index: dict[int, Slot]
) -> tuple[list[Any], int]:
    """Atoms from the hole at `position` to the closing quote (excluded) and its index."""
    inner = []
    while position < len(atoms):
        atom = atoms[position]
        if atom[0] == "char" and atom[1] == "'":
            if (
                position + 1 < len(atoms)
                and atoms[position + 1][1] == "'"
                and atoms[position + 1][0] == "char"
            ):
                inner.append(atom)  # `''` is a quote inside the literal
                position += 2
                continue
            return inner, position
        slot = by_index.get(atom[1]) if atom[0] == "hole" else None
        inner.append(
            ("field", slot.hole if slot else None, atom[2])
            if atom[0] == "hole"
            else atom
        )
        position += 1
    return inner, position


def _param(hole: Hole) -> str:
    return code_of(hole.expr).strip()


def _fstring_param(atoms: list[Any], *, collapse: bool) -> str | None:
    """The parameter for a quoted literal with holes; `collapse`: its text was written for
    `%` formatting (`%%` for `%`), which parameters do not go through."""
    pieces: list[tuple[bool, str]] = []  # (is a field, text)
    for atom in atoms:
        if atom[0] == "char":
            pieces.append((False, atom[1]))
        elif atom[0] == "field" and atom[1] is not None:
            hole = atom[1]
            conversion = "!r" if hole.conversion == "r" else ""
            spec = (
                ":d"
                if hole.conversion in ("d", "i")
                else (f":{hole.spec}" if hole.spec else "")
            )
            pieces.append((True, f"{{{code_of(hole.expr).strip()}{conversion}{spec}}}"))
    # `''` is one quote inside an SQL literal.
    pieces = [
        p
        for i, p in enumerate(pieces)
        if not (p == (False, "'") and i and pieces[i - 1] == (False, "'"))
    ]
    fields = "".join(text for is_field, text in pieces if is_field)
    quote = '"' if '"' not in fields else "'"
    if quote in fields or "\\" in fields:
        return None
    text = "".join(
        pieces_text if is_field else _escape(pieces_text, quote)
        for is_field, pieces_text in pieces
    )
    if collapse:
        text = text.replace("%%", "%")
    return f"f{quote}{text}{quote}"


def _escape(char: str, quote: str) -> str:
    return {"{": "{{", "}": "}}", "\\": "\\\\", quote: "\\" + quote, "\n": "\\n"}.get(
        char, char
    )


def _parts(out: list[Any], double: bool) -> list[NewPart]:
    parts: list[NewPart] = []
    for kind, value, leaf in out:
        if kind == "char":
            char = "%%" if double and value == "%" else value
            last = parts[-1] if parts else None
            if isinstance(last, Text) and last.leaf == leaf:
                last.value += char
            else:
                parts.append(Text(char, leaf))
        elif kind == "token":
            parts.append(Token(value, leaf))
        elif kind == "keep":
            parts.append(Keep(value))
    return parts


def _params_edits(
    sink: Sink, slot_name: str, argument: Any, parts: list[NewPart], params: list[str]
) -> list[Edit] | str:
    existing = sink.params.get(slot_name)
    order = []
    for part in parts:
        if isinstance(part, Token):
            order.append(None)
        elif isinstance(part, Text):
            order += [
                "old" for m in _PLACEHOLDER.finditer(part.value) if m.group() == "%s"
            ]
    olds = order.count("old")
    if existing is None:
        if olds or (sink.kind == "extra" and _other_placeholders(sink, argument)):
            return "the SQL has `%s` placeholders but no parameters"
        return [_add_params(sink, slot_name, argument, params)]
    items = _literal_items(existing)
    if items is None:
        return "the query already takes parameters from a variable"
    if sink.kind == "extra" and _other_placeholders(sink, argument):
        return "other `extra()` clauses take parameters too"
    if len(items) != olds:
        return "the placeholders and the parameters do not line up"
    fresh, old = iter(params), iter(code_of(i).strip() for i in items)
    merged = [next(old) if kind == "old" else next(fresh) for kind in order]
    return [replace_node(existing, f"[{', '.join(merged)}]")]


def _add_params(sink: Sink, slot_name: str, argument: Any, params: list[str]) -> Edit:
    listed = f"[{', '.join(params)}]"
    if sink.kind == "extra":
        keyword = "select_params" if slot_name == "select" else "params"
        last = sink.call.children[1] if len(sink.call.children) == 3 else None
        anchor = (
            [c for c in last.children if c != ","][-1]
            if last is not None and last.type == "arglist"
            else last
        )
        return insert_after(anchor, f", {keyword}={listed}")
    anchor = argument.parent if argument.parent.type == "argument" else argument
    keyword = "params=" if anchor.type == "argument" else ""
    return insert_after(anchor, f", {keyword}{listed}")


def _literal_items(node: Any) -> list[Any] | None:
    if node.type == "atom" and node.children[0] in ("[", "("):
        if len(node.children) == 2:
            return []
        inner = node.children[1]
        if inner.type == "testlist_comp":
            if any(c.type in ("comp_for", "sync_comp_for") for c in inner.children):
                return None
            return [c for c in inner.children if c != ","]
        return [inner] if node.children[0] == "[" else None
    return None


def _other_placeholders(sink: Sink, argument: Any) -> bool:
    return any(
        node is not argument and "%s" in code_of(node).replace("%%", "")
        for node, _ in sink.sql
    )
