"""Conversions between djvet's core types and LSP types.

Core positions are 0-based lines and 0-based *code-point* columns; lines end at
`\\r\\n`, `\\r` or `\\n` (parso's `split_lines`, as in `Document.lines` and in LSP).
The client counts columns in the code units it negotiated at initialization (UTF-16
unless it offered UTF-8 or UTF-32); pygls' `PositionCodec` knows how many units each
character takes.

A diagnostic carries its fix in `data`, with a URI and a range (in client units) per
edit, and the versions of the open documents the edits were computed against, so a
code action needs no re-analysis and can refuse a fix that went stale.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from lsprotocol import types as lsp
from parso.utils import split_lines
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec

from djvet.core.model import Diagnostic, Fix, Span
from djvet.core.rule import RULES

SOURCE = "djvet"
PENDING = "fixPending"  # in `data` while a diagnostic's fix is being verified


def path_of(uri: str) -> str | None:
    """The absolute file path of a `file:` URI; None for other schemes (untitled:, git:)."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def uri_of(path: str) -> str:
    return from_fs_path(os.path.abspath(path)) or f"file://{path}"


def to_position(
    lines: list[str], line: int, column: int, codec: PositionCodec
) -> lsp.Position:
    if not lines:
        return lsp.Position(line=0, character=0)
    if line >= len(lines):  # past the end: clamp to the end of the last line
        line, column = len(lines) - 1, len(lines[-1])
    text = lines[max(line, 0)]
    return lsp.Position(
        line=max(line, 0), character=codec.client_num_units(text[: max(column, 0)])
    )


def from_position(
    lines: list[str], position: lsp.Position, codec: PositionCodec
) -> tuple[int, int]:
    """(line, code-point column) of a client position, clamped to the text."""
    if not lines:
        return 0, 0
    if position.line >= len(lines):
        return len(lines) - 1, len(lines[-1])
    text = lines[position.line]
    units = 0
    for index, char in enumerate(text):
        if units >= position.character:
            return position.line, index
        units += codec.client_num_units(char)
    return position.line, len(text)


def to_range(lines: list[str], span: Span, codec: PositionCodec) -> lsp.Range:
    return lsp.Range(
        start=to_position(lines, span.start_line, span.start_column, codec),
        end=to_position(lines, span.end_line, span.end_column, codec),
    )


def range_json(value: lsp.Range) -> dict[str, Any]:
    return {
        "start": {"line": value.start.line, "character": value.start.character},
        "end": {"line": value.end.line, "character": value.end.character},
    }


def range_from_json(value: Mapping[str, Any]) -> lsp.Range:
    start, end = value["start"], value["end"]
    return lsp.Range(
        start=lsp.Position(line=int(start["line"]), character=int(start["character"])),
        end=lsp.Position(line=int(end["line"]), character=int(end["character"])),
    )


class Converter:
    """Converts one analysis' findings; reads other files' text (for their ranges) once."""

    def __init__(
        self,
        codec: PositionCodec,
        read: Callable[[str], str | None],
        versions: Mapping[str, int | None],
    ) -> None:
        self.codec = codec
        self._read = read
        self._versions = versions  # path -> version of the documents open in the editor
        self._lines: dict[str, list[str]] = {}

    def prime(self, path: str, text: str) -> None:
        self._lines[os.path.abspath(path)] = split_lines(text)

    def lines(self, path: str) -> list[str]:
        path = os.path.abspath(path)
        if path not in self._lines:
            self._lines[path] = split_lines(self._read(path) or "")
        return self._lines[path]

    def range(self, path: str, span: Span) -> lsp.Range:
        return to_range(self.lines(path), span, self.codec)

    def diagnostic(
        self, finding: Diagnostic, *, with_fix: bool = True
    ) -> lsp.Diagnostic:
        rule = RULES.get(finding.code)
        return lsp.Diagnostic(
            range=self.range(finding.path, finding.span),
            message=finding.message,
            severity=lsp.DiagnosticSeverity(int(finding.severity)),
            code=finding.code,
            code_description=lsp.CodeDescription(href=rule.docs_url) if rule else None,
            source=SOURCE,
            tags=[lsp.DiagnosticTag.Unnecessary] if finding.unnecessary else None,
            related_information=[
                lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(
                        uri=uri_of(r.path), range=self.range(r.path, r.span)
                    ),
                    message=r.message,
                )
                for r in finding.related
            ]
            or None,
            data=self._data(finding, with_fix),
        )

    def _data(self, finding: Diagnostic, with_fix: bool) -> dict[str, Any] | None:
        if finding.fix is None or not finding.fix.edits:
            return None
        # A fix not verified yet is announced, not sent: its diagnostic is re-published
        # with the fix once the engine has checked it.
        return self.fix_data(finding.fix, finding.path) if with_fix else {PENDING: True}

    def fix_data(self, fix: Fix, own_path: str) -> dict[str, Any]:
        edits = []
        for edit in fix.edits:
            path = os.path.abspath(edit.path or own_path)
            edits.append(
                {
                    "uri": uri_of(path),
                    "range": range_json(self.range(path, edit.span)),
                    "newText": edit.new_text,
                }
            )
        paths = {os.path.abspath(edit.path or own_path) for edit in fix.edits}
        return {
            "title": fix.title,
            "applicability": fix.applicability.label,
            "edits": edits,
            "versions": {uri_of(p): self._versions.get(p) for p in sorted(paths)},
        }
