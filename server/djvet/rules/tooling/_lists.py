"""Removing one item from a list literal or list statement, keeping the layout."""

from __future__ import annotations

from typing import Any

from djvet.core.edits import remove_from_sequence
from djvet.core.model import Edit, Span


def remove_item(node: Any) -> Edit | None:
    """Delete the string `node` from its list literal (with its comma), or delete the
    whole statement when the item is all it holds (`X += ["a"]`, `X.append("a")`)."""
    parent = node.parent
    if parent.type == "testlist_comp":
        return _from_sequence(node, parent.children)
    statement = _statement(node)
    if statement is None:
        return None
    simple = statement.parent
    if simple.type != "simple_stmt" or len(simple.children) != 2:
        return None
    return Edit(Span(simple.start_pos[0] - 1, 0, simple.end_pos[0] - 1, 0), "")


def _from_sequence(node: Any, siblings: list[Any]) -> Edit | None:
    index = siblings.index(node)
    whole = _own_lines(node, siblings, index)
    if whole is not None:
        return whole
    if index + 2 == len(siblings):  # the last item, followed by a trailing comma
        previous = siblings[index - 1] if index > 0 else None
        if previous is None:
            return None
        return Edit(
            Span.of_positions(previous.end_pos, siblings[index + 1].end_pos), ""
        )
    return remove_from_sequence(node, siblings)


def _own_lines(node: Any, siblings: list[Any], index: int) -> Edit | None:
    """One item per line (`    "a",  # note`): delete its lines, comment included."""
    comma = siblings[index + 1] if index + 1 < len(siblings) else None
    last = (
        comma if comma is not None and comma.start_pos[0] == node.end_pos[0] else node
    )
    before = node.get_previous_leaf()
    after = last.get_next_leaf()
    if before is None or after is None or before.end_pos[0] == node.start_pos[0]:
        return None  # something else starts on the item's line
    if after.start_pos[0] == last.end_pos[0]:
        return None  # something else follows on the item's line
    if comma is None and index > 0:
        return None  # the last item without a trailing comma: the previous comma must go too
    return Edit(Span(node.start_pos[0] - 1, 0, last.end_pos[0], 0), "")


def _statement(node: Any) -> Any | None:
    """The `X += ["a"]` / `X.append("a")` statement whose only item is `node`."""
    current = node.parent
    if (
        current.type == "atom"
        and current.children[0] == "["
        and len(current.children) == 3
        or current.type == "trailer"
    ):
        current = current.parent
    else:
        return None
    if current.parent.type != "simple_stmt":
        return None
    if current.type == "expr_stmt" and current.children[1] == "+=":
        return current
    if current.type in ("atom_expr", "power") and current.children[-2].children[-1] in (
        "append",
        "insert",
    ):
        return current
    return None
