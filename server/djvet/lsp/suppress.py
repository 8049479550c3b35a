"""`# noqa: DJVxxx` comments: adding a code to a line, and finding the code under the cursor.

Comments are found with parso (a `#` inside a string is not a comment), the way
`core/suppression.py` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from djvet.core.document import Document
from djvet.core.model import Edit, Language, Span

_NOQA_LIST = re.compile(
    r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]*(?:\s*,\s*[A-Z]+[0-9]*)*)", re.I
)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.I)
_CODE = re.compile(r"\bDJV[0-9]{3}\b")
_SUPPRESSION = re.compile(r"#\s*noqa|djvet:\s*ignore", re.I)


@dataclass(frozen=True)
class Comment:
    line: int
    column: int  # code-point column of the `#`
    text: str


def comments(document: Document) -> dict[int, Comment]:
    """The comment of each line (Python via parso; other languages by a plain scan)."""
    found: dict[int, Comment] = {}
    if document.language is not Language.PYTHON:
        for number, line in enumerate(document.lines):
            if "#" in line:
                found[number] = Comment(
                    number, line.index("#"), line[line.index("#") :]
                )
        return found
    leaf = document.tree.get_first_leaf()
    while leaf is not None:
        if "#" in leaf.prefix:
            for part in leaf._split_prefix():
                if part.type == "comment":
                    line, column = part.start_pos
                    found[line - 1] = Comment(line - 1, column, part.value)
        leaf = leaf.get_next_leaf()
    return found


def noqa_edit(document: Document, line: int, code: str) -> Edit | None:
    """Silence `code` on `line`: extend its `# noqa:` list or append a noqa comment."""
    line = _comment_line(document, line)
    if line is None:
        return None
    comment = comments(document).get(line)
    if comment is not None and _BARE_NOQA.search(comment.text):
        return None  # a bare noqa comment silences every code already
    if comment is not None and (match := _NOQA_LIST.search(comment.text)):
        if code in {c.strip().upper() for c in match["codes"].split(",")}:
            return None
        column = comment.column + match.end("codes")
        return Edit(Span.point(line, column), f", {code}")
    text = document.lines[line]
    end = len(text.rstrip())
    # Django templates take `{# ... #}` comments; Python and the text files take `#`.
    comment = (
        f"{{# noqa: {code} #}}"
        if document.language is Language.TEMPLATE
        else f"# noqa: {code}"
    )
    return Edit(Span(line, end, line, len(text)), f"  {comment}")


def _comment_line(document: Document, line: int) -> int | None:
    """`line`, unless its end lies inside a multi-line string (a comment there is text)."""
    if document.language is not Language.PYTHON or line >= len(document.lines):
        return line if line < len(document.lines) else None
    column = len(document.lines[line].rstrip())
    if column == 0:
        return line
    leaf = document.tree.get_leaf_for_position(
        (line + 1, column - 1), include_prefixes=True
    )
    if (
        leaf is not None
        and leaf.type in ("string", "fstring_string")
        and leaf.end_pos[0] > line + 1
    ):
        return None
    return line


def code_at(line_text: str, column: int) -> str | None:
    """The `DJVxxx` code under `column` when it sits in a suppression comment."""
    hash_at = line_text.find("#")
    if hash_at < 0 or column < hash_at or not _SUPPRESSION.search(line_text, hash_at):
        return None
    for match in _CODE.finditer(line_text, hash_at):
        if match.start() <= column <= match.end():
            return match.group()
    return None
