"""Plain data types shared by every layer: spans, edits, fixes, diagnostics.

Positions are 0-based lines and 0-based *code-point* columns (parso's columns with
the line shifted by one). The LSP layer converts them to the client's encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any


class Applicability(IntEnum):
    """How far a fix can be trusted; ordered so `>=` means "at least as safe"."""

    DISPLAY_ONLY = 0  # shown as a suggestion, never applied automatically
    UNSAFE = 1  # valid code that may change behaviour: opt-in
    SAFE = 2  # meaning preserved: applied by fix-all and `--fix`

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


class Severity(IntEnum):
    """Diagnostic severity; values match LSP's `DiagnosticSeverity`."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        aliases = {"info": "information", "warn": "warning"}
        key = aliases.get(text.lower(), text.lower())
        for member in cls:
            if member.label == key:
                return member
        raise ValueError(
            f"unknown severity {text!r}; use error, warning, information or hint"
        )


@dataclass(frozen=True, slots=True, order=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range of a document: 0-based lines, 0-based code-point columns, end exclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int

    @property
    def start(self) -> Position:
        return Position(self.start_line, self.start_column)

    @property
    def end(self) -> Position:
        return Position(self.end_line, self.end_column)

    @classmethod
    def of(cls, node: Any) -> Span:
        """The span of a parso node or leaf, without its prefix."""
        (sl, sc), (el, ec) = node.start_pos, node.end_pos
        return cls(sl - 1, sc, el - 1, ec)

    @classmethod
    def between(cls, first: Any, last: Any) -> Span:
        return cls.of_positions(first.start_pos, last.end_pos)

    @classmethod
    def of_positions(cls, start: tuple[int, int], end: tuple[int, int]) -> Span:
        """From parso positions (1-based lines): `Span.of_positions(a.end_pos, b.start_pos)`."""
        return cls(start[0] - 1, start[1], end[0] - 1, end[1])

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column)

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        """True when the spans share text, or both insert at the same point."""
        if self.start == self.end == other.start == other.end:
            return True
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `span` with `new_text`; `path=None` means the diagnostic's own file."""

    span: Span
    new_text: str
    path: str | None = None

    def sort_key(self) -> tuple[str, Span]:
        return (self.path or "", self.span)


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability

    @classmethod
    def make(
        cls,
        title: str,
        edits: list[Edit] | tuple[Edit, ...],
        applicability: Applicability,
    ) -> Fix:
        return cls(title, tuple(sorted(edits, key=Edit.sort_key)), applicability)

    @classmethod
    def safe(cls, title: str, *edits: Edit) -> Fix:
        return cls.make(title, edits, Applicability.SAFE)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit) -> Fix:
        return cls.make(title, edits, Applicability.UNSAFE)

    @classmethod
    def display_only(cls, title: str, *edits: Edit) -> Fix:
        return cls.make(title, edits, Applicability.DISPLAY_ONLY)

    def with_applicability(self, applicability: Applicability) -> Fix:
        return Fix(self.title, self.edits, applicability)

    def paths(self, own_path: str) -> set[str]:
        return {edit.path or own_path for edit in self.edits}


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (e.g. where the queryset is built)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    message: str
    path: str
    span: Span
    severity: Severity
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    unnecessary: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple[str, Span, str]:
        return (self.path, self.span, self.code)

    def replace(self, **changes: Any) -> Diagnostic:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return Diagnostic(**values)


class Language(str, Enum):
    """What kind of document a file is; rules declare the languages they read."""

    PYTHON = "python"
    TEMPLATE = "template"
    TEXT = "text"  # requirements, Procfile, Dockerfile, compose files, systemd units
