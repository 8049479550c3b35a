"""djvet's side of the ground truth: findings and fixes on a copy of the project.

Fixes go through `djvet.checker._fix_file`, the code path of `djvet check --fix` (and
of the language server's fix-all), so the fixed text is what a user would get.
"""

from __future__ import annotations

from pathlib import Path

from djvet.checker import Result, _fix_file
from djvet.core.config import Config
from djvet.core.model import Applicability, Diagnostic
from djvet.core.rule import RULES, discover
from djvet.engine import check_document
from djvet.project.index import ProjectIndex

# The codes a Python case marks with `# expect:`; DJV105/DJV107 mark views and templates.
N1_CODES = ("DJV101", "DJV102", "DJV103", "DJV104", "DJV108", "DJV109")
VIEW_CODES = ("DJV105", "DJV107")


def registered(codes: tuple[str, ...] = N1_CODES) -> tuple[str, ...]:
    """The codes of `codes` that djvet has rules for (yet)."""
    discover()
    return tuple(code for code in codes if code in RULES)


def project_index(
    project_dir: Path, select: tuple[str, ...] = N1_CODES
) -> ProjectIndex:
    return ProjectIndex(project_dir, Config(root=Path(project_dir), select=select))


def findings(
    project: ProjectIndex, path: Path, codes: tuple[str, ...] = N1_CODES
) -> list[Diagnostic]:
    """djvet's diagnostics of `codes` for the file at `path` (in that file only)."""
    document = project.document(str(path))
    if document is None:
        raise FileNotFoundError(path)
    return [d for d in check_document(document, project) if d.code in codes]


def finding_pairs(
    project: ProjectIndex, path: Path, codes: tuple[str, ...] = N1_CODES
) -> list[tuple[int, str]]:
    """`(0-based line, code)` pairs, comparable with `runner.expected_markers`."""
    return sorted((d.span.start_line, d.code) for d in findings(project, path, codes))


def fix(
    project: ProjectIndex, path: Path, level: Applicability = Applicability.UNSAFE
) -> dict[str, tuple[str, str]]:
    """Apply djvet's fixes for `path` in place; returns {edited file: (before, after)}.

    A fix may edit other files than `path` (the queryset of a view, a helper).
    """
    document = project.document(str(path))
    if document is None:
        raise FileNotFoundError(path)
    result = Result()
    _fix_file(project, document, level, result)
    return result.fixed
