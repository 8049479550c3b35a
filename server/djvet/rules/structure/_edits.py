"""Edits of call arguments shared by the structure rules."""

from __future__ import annotations

from typing import Any

from djvet.core.edits import remove_from_sequence
from djvet.core.model import Edit, Span


def keyword_argument(call: Any, name: str) -> Any:
    """The `argument` node `name=...` of a call (atom_expr ending in a call trailer)."""
    trailer = call.children[-1]
    if len(trailer.children) != 3:
        return None
    inner = trailer.children[1]
    items = inner.children if inner.type == "arglist" else [inner]
    for item in items:
        if (
            item.type == "argument"
            and item.children[0].type == "name"
            and item.children[0].value == name
            and item.children[1] == "="
        ):
            return item
    return None


def arguments(call: Any) -> list[Any]:
    trailer = call.children[-1]
    if len(trailer.children) != 3:
        return []
    inner = trailer.children[1]
    return (
        [c for c in inner.children if c != ","] if inner.type == "arglist" else [inner]
    )


def remove_argument(call: Any, argument: Any) -> Edit:
    """Delete one argument with its separating comma, keeping the call's layout."""
    inner = call.children[-1].children[1]
    if inner is argument:
        return Edit(Span.of(argument), "")
    return remove_from_sequence(argument, inner.children)


def add_keywords(call: Any, *texts: str) -> Edit:
    """Append `texts` (`name=value` each) as the call's last arguments, in its layout:
    one per line in a call written one argument per line, else after the last argument
    on its line (`ForeignKey(\n    "Status", on_delete=CASCADE\n)` stays on one line)."""
    trailer = call.children[-1]
    closing = trailer.children[-1]
    args = arguments(call)
    if not args:
        return Edit(Span.of(closing), ", ".join(texts) + ")")
    last = args[-1]
    after_last = last.get_next_leaf()
    one_per_line = (
        len(args) > 1
        and args[0].start_pos[0] != last.start_pos[0]
        or (len(args) == 1 and last.start_pos[0] != trailer.start_pos[0])
    )
    if one_per_line and closing.start_pos[0] != last.end_pos[0]:
        indent = "\n" + " " * last.start_pos[1]
        if after_last == ",":
            text = "".join(f"{indent}{t}," for t in texts)
            return Edit(
                Span.point(after_last.end_pos[0] - 1, after_last.end_pos[1]), text
            )
        return Edit(
            Span.point(last.end_pos[0] - 1, last.end_pos[1]),
            "".join(f",{indent}{t}" for t in texts),
        )
    # Arguments on one line (maybe inside a parenthesised block): append to that line.
    joined = ", ".join(texts)
    if after_last == ",":
        return Edit(
            Span.point(after_last.end_pos[0] - 1, after_last.end_pos[1]), f" {joined}"
        )
    return Edit(Span.point(last.end_pos[0] - 1, last.end_pos[1]), f", {joined}")
