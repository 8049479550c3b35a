"""Building and applying text edits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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


def _offsets(text: str) -> list[int]:
    offsets, total = [], 0
    for line in text.split("\n"):
        offsets.append(total)
        total += len(line) + 1
    return offsets


def _offset(text: str, offsets: list[int], line: int, column: int) -> int:
    if line >= len(offsets):
        return len(text)
    line_end = offsets[line + 1] - 1 if line + 1 < len(offsets) else len(text)
    return min(offsets[line] + column, line_end)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply edits of one document: sorted, checked for overlaps, applied back to front."""
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    for before, after in zip(ordered, ordered[1:]):
        if before.span.end > after.span.start:
            raise OverlappingEditsError(f"edits overlap at line {after.span.start_line + 1}")
    offsets = _offsets(text)
    for edit in reversed(ordered):
        start = _offset(text, offsets, edit.span.start_line, edit.span.start_column)
        end = _offset(text, offsets, edit.span.end_line, edit.span.end_column)
        text = text[:start] + edit.new_text + text[end:]
    return text


def group_by_path(edits: Iterable[Edit], own_path: str) -> dict[str, list[Edit]]:
    grouped: dict[str, list[Edit]] = {}
    for edit in edits:
        grouped.setdefault(edit.path or own_path, []).append(edit)
    return grouped


def apply_to_files(texts: Mapping[str, str], edits: Iterable[Edit], own_path: str) -> dict[str, str]:
    """Apply edits that may touch several files; returns the new text of each touched file."""
    return {
        path: apply_edits(texts[path], file_edits)
        for path, file_edits in group_by_path(edits, own_path).items()
    }
