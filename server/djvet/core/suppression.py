"""Suppression comments: `# noqa`, `# noqa: DJV201`, `# djvet: ignore[DJV201]`
(bare `# djvet: ignore` silences the line), and the file-level
`# djvet: ignore-file[DJV201]` (bare `ignore-file` silences the whole file).

Codes may be given as prefixes (`# noqa: DJV2`), like ruff's `noqa`, separated by
commas or spaces. Only real comments count: a `#` inside a string is not one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from parso.utils import split_lines

ALL = "*"

# Codes are separated by commas and/or spaces (`DJV201, DJV202` or `DJV201 E501`).
_CODE = r"[A-Z]+[0-9]+"
_CODES = rf"{_CODE}(?:(?:\s*,\s*|\s+){_CODE})*"
# The word boundary keeps `noqaxyz` from reading as a bare noqa.
_NOQA = re.compile(rf"#\s*noqa\b(?P<colon>:\s*(?P<codes>{_CODES})?)?", re.IGNORECASE)
# A bracket that holds no valid code must not turn into a bare (silence-all) directive,
# hence the look-ahead refusing `[` after an optional group that did not match.
_IGNORE = re.compile(
    rf"djvet:\s*ignore(?:\[\s*(?P<codes>{_CODES})\s*\])?(?![\w\-\[])", re.IGNORECASE
)
_IGNORE_FILE = re.compile(
    rf"djvet:\s*ignore-file(?:\[\s*(?P<codes>{_CODES})\s*\])?(?![\w\-\[])",
    re.IGNORECASE,
)


def _split(codes: str | None) -> frozenset[str]:
    if not codes:
        return frozenset({ALL})
    return frozenset(
        code.upper() for code in re.split(r"[\s,]+", codes.strip()) if code
    )


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(p == ALL or code.startswith(p) for p in patterns)


@dataclass
class Suppressions:
    """Which codes each line silences, and which the whole file silences."""

    by_line: dict[int, set[str]] = field(default_factory=dict)
    file_wide: set[str] = field(default_factory=set)

    def add_comment(self, line: int, comment: str) -> None:
        if m := _IGNORE_FILE.search(comment):
            self.file_wide |= _split(m["codes"])
            return
        if m := _IGNORE.search(comment):
            self.by_line.setdefault(line, set()).update(_split(m["codes"]))
        if m := _NOQA.search(comment):
            if m["colon"] and not m["codes"]:
                # A colon naming no code is a typo, not a blanket suppression (as in ruff).
                return
            self.by_line.setdefault(line, set()).update(_split(m["codes"]))

    def is_suppressed(
        self, code: str, start_line: int, end_line: int | None = None
    ) -> bool:
        if _matches(code, self.file_wide):
            return True
        lines = {start_line} if end_line is None else {start_line, end_line}
        return any(_matches(code, self.by_line.get(line, ())) for line in lines)

    def codes_on_line(self, line: int) -> set[str]:
        return set(self.by_line.get(line, ()))


# Every suppression comment holds one of these words.
_MARKER = re.compile("noqa|djvet", re.IGNORECASE)


def scan_python(tree: Any, text: str | None = None) -> Suppressions:
    """Collect suppressions from the comments of a parso tree (never from strings)."""
    result = Suppressions()
    if not _MARKER.search(tree.get_code() if text is None else text):
        return result  # no comment can suppress anything: no walk of every leaf
    # A depth-first walk, not `get_next_leaf()`: that looks the leaf up in its parent's
    # children each time, quadratic in a module of ten thousand top-level statements.
    stack = [tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if children is not None:
            stack.extend(reversed(children))
        elif "#" in node.prefix:
            for line, comment in _prefix_comments(node):
                result.add_comment(line, comment)
    return result


_COMMENT = re.compile(r"#[^\r\n]*")


def _prefix_comments(leaf: Any) -> list[tuple[int, str]]:
    """(0-based line, text) of each comment in a leaf's prefix (whitespace and comments
    before the leaf). parso's own splitter raises on some odd bytes; then a plain scan
    of the prefix, where a `#` can only start a comment, does the same job."""
    try:
        return [
            (part.start_pos[0] - 1, part.value)
            for part in leaf._split_prefix()
            if part.type == "comment"
        ]
    except Exception:  # parso gives up on e.g. stray control characters
        first_line = leaf.get_start_pos_of_prefix()[0] - 1
        prefix = leaf.prefix
        return [
            (first_line + len(split_lines(prefix[: m.start()])) - 1, m.group())
            for m in _COMMENT.finditer(prefix)
        ]


def scan_lines(
    text: str, comment_markers: tuple[str, ...] = ("#", "{#")
) -> Suppressions:
    """Suppressions for non-Python documents: any comment holding the marker."""
    result = Suppressions()
    for number, line in enumerate(text.splitlines()):
        if any(marker in line for marker in comment_markers) and (
            "noqa" in line or "djvet:" in line
        ):
            start = min(line.find(m) for m in comment_markers if m in line)
            comment = line[start:].replace("{#", "#", 1)
            result.add_comment(number, comment)
    return result
