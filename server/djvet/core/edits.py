"""Building and applying text edits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from djvet.core.document import line_starts
from djvet.core.model import Edit, Span


class OverlappingEditsError(ValueError):
    pass


def replace_node(node: Any, new_text: str, *, path: str | None = None) -> Edit:
    """Replace a parso node's own text (its prefix, holding comments, is kept)."""
    return Edit(Span.of(node), new_text, path)


def insert_at(line: int, column: int, text: str, *, path: str | None = None) -> Edit:
    return Edit(Span.point(line, column), text, path)


def insert_after(node: Any, text: str, *, path: str | None = None) -> Edit:
    line, column = node.end_pos
    return Edit(Span.point(line - 1, column), text, path)


def insert_before(node: Any, text: str, *, path: str | None = None) -> Edit:
    line, column = node.start_pos
    return Edit(Span.point(line - 1, column), text, path)


def remove_from_sequence(item: Any, items: list[Any]) -> Edit:
    """Delete `item` from a comma-separated sequence (`items`: parso siblings, commas
    included) with one comma, keeping the other items' layout: `a, X, b` -> `a, b`;
    `a, X,` -> `a, `; `a, X` -> `a`. Arguments, imported names, list items."""
    index = items.index(item)
    if index + 2 < len(items):  # up to the next item
        following = items[index + 2]
        return Edit(Span.of_positions(item.start_pos, following.start_pos), "")
    if index + 1 < len(items):  # the last item, with its trailing comma
        return Edit(Span.between(item, items[index + 1]), "")
    return Edit(Span.between(items[index - 1], item), "")  # and the comma before it


def _offset(text: str, starts: list[int], line: int, column: int) -> int:
    """The offset of (line, column), clamped to the end of that line (or of the text)."""
    if line >= len(starts):
        return len(text)
    line_end = starts[line + 1] if line + 1 < len(starts) else len(text)
    terminator = text[starts[line] : line_end]
    line_end -= len(terminator) - len(terminator.rstrip("\r\n"))
    return min(starts[line] + column, line_end)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply edits of one document: sorted, checked for overlaps, applied back to front.

    An edit repeated verbatim is applied once (two fixes may both add `import os`).
    Insertions at one point keep the order they were given in. Line breaks in new text
    take the file's line ending, so a CRLF file stays CRLF.
    """
    ordered = sorted(dict.fromkeys(edits), key=lambda e: (e.span.start, e.span.end))
    for before, after in pairwise(ordered):
        if before.span.end > after.span.start:
            raise OverlappingEditsError(
                f"edits overlap at line {after.span.start_line + 1}"
            )
    starts = line_starts(text)
    newline = _newline_of(text)
    for edit in reversed(ordered):
        start = _offset(text, starts, edit.span.start_line, edit.span.start_column)
        end = _offset(text, starts, edit.span.end_line, edit.span.end_column)
        text = text[:start] + _with_newline(edit.new_text, newline) + text[end:]
    return text


def _newline_of(text: str) -> str:
    """The file's line ending, by its first line break (`\\n` when it has none)."""
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


def _with_newline(new_text: str, newline: str) -> str:
    """Rules write `\\n`; a CRLF (or CR) file gets its own line ending instead."""
    if newline == "\n" or "\n" not in new_text:
        return new_text
    return _LONE_LF.sub(newline, new_text)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LONE_LF = re.compile(r"(?<!\r)\n")


def conflicts(chosen: Iterable[Edit], candidate: Iterable[Edit], own_path: str) -> bool:
    """Whether `candidate` (one fix's edits) touches text that `chosen` edits already
    change; an identical edit is no conflict. Two insertions at one point conflict."""
    taken: dict[str, list[Edit]] = group_by_path(chosen, own_path)
    for path, edits in group_by_path(candidate, own_path).items():
        for edit in edits:
            for other in taken.get(path, ()):
                if edit != other and edit.span.overlaps(other.span):
                    return True
    return False


def group_by_path(edits: Iterable[Edit], own_path: str) -> dict[str, list[Edit]]:
    grouped: dict[str, list[Edit]] = {}
    for edit in edits:
        grouped.setdefault(edit.path or own_path, []).append(edit)
    return grouped


def apply_to_files(
    texts: Mapping[str, str], edits: Iterable[Edit], own_path: str
) -> dict[str, str]:
    """Apply edits that may touch several files; returns the new text of each touched file."""
    return {
        path: apply_edits(texts[path], file_edits)
        for path, file_edits in group_by_path(edits, own_path).items()
    }
