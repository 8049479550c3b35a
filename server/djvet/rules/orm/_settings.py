"""Dict literals of settings (`DATABASES`) and calls: reading entries, adding one in
the literal's own layout (DJV122)."""

from __future__ import annotations

from typing import Any

from djvet.core.model import Edit, Span
from djvet.core.parso_utils import string_value

SPLAT = "**"  # a `**other` entry: keys djvet cannot see


def dict_entries(node: Any) -> list[tuple[str, Any]]:
    """(key, value node) of a `{...}` literal with string keys; `**x` gives (SPLAT, x)."""
    if node.type != "atom" or node.children[0] != "{" or len(node.children) != 3:
        return []
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return []
    items = inner.children
    entries: list[tuple[str, Any]] = []
    index = 0
    while index < len(items):
        item = items[index]
        if item == "**":
            entries.append((SPLAT, items[index + 1]))
            index += 3
            continue
        if index + 2 < len(items) and items[index + 1] == ":":
            key = string_value(item)
            entries.append((key if key is not None else SPLAT, items[index + 2]))
            index += 4
            continue
        return []  # a set, or a comprehension
    return entries


def insert_entry(node: Any, *entries: str) -> Edit | None:
    """An edit adding `entries` at the end of a dict literal (or the arguments of a
    call trailer `(...)`), one per line when the literal has one entry per line."""
    opening, closing = node.children[0], node.children[-1]
    if len(node.children) == 2:  # `{}` or `()`
        line, column = opening.end_pos
        return Edit(Span.point(line - 1, column), ", ".join(entries))
    inner = node.children[1]
    items = (
        [c for c in inner.children if c != ","]
        if inner.type in ("dictorsetmaker", "arglist")
        else [inner]
    )
    if not items:
        return None
    last = inner.children[-1] if inner.type in ("dictorsetmaker", "arglist") else inner
    trailing = last == ","
    end_line, end_column = last.end_pos
    if closing.start_pos[0] == end_line:  # all on the closing bracket's line
        separator = " " if trailing else ", "
        return Edit(
            Span.point(end_line - 1, end_column), separator + ", ".join(entries)
        )
    indent = " " * inner.children[0].start_pos[1]
    lead = "" if trailing else ","
    lines = "".join(f"\n{indent}{entry}," for entry in entries)
    return Edit(Span.point(end_line - 1, end_column), lead + lines)
