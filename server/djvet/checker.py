"""Checking many files at once (the CLI's engine room): discovery, fix-all, results.

Kept apart from `cli.py` so the CLI stays argument parsing and printing, and so tests
and benchmarks can check a project in-process.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from djvet.core.config import Config
from djvet.core.document import Document, language_for_path
from djvet.core.edits import OverlappingEditsError, apply_to_files, group_by_path
from djvet.core.model import Applicability, Diagnostic
from djvet.engine import Statistics, check_document
from djvet.project.index import ProjectIndex, normalize

log = logging.getLogger(__name__)
MAX_FIX_PASSES = 10


class FixLoopError(RuntimeError):
    pass


@dataclass
class Result:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (before, after)
    fixes_applied: int = 0
    files_checked: int = 0
    warnings: list[str] = field(default_factory=list)
    stats: Statistics = field(default_factory=Statistics)
    seconds: float = 0.0


def collect_files(project: ProjectIndex, paths: Iterable[str]) -> list[str]:
    """The files to check under `paths` (files given explicitly are never excluded)."""
    files: list[str] = []
    for raw in paths:
        path = normalize(raw)
        if os.path.isdir(path):
            files.extend(f for f in project.files() if f == path or f.startswith(path.rstrip(os.sep) + os.sep))
        elif os.path.isfile(path):
            if language_for_path(path) is None:
                project.warn(f"{raw}: not a file djvet reads (Python, template, requirements, deploy files)")
            else:
                files.append(path)
        else:
            project.warn(f"{raw}: no such file or directory")
    return sorted(dict.fromkeys(files))


def check_files(
    project: ProjectIndex,
    files: list[str],
    *,
    fix_level: Applicability | None = None,
    progress: Callable[[int, int], None] | None = None,
    with_stats: bool = False,
) -> Result:
    result = Result()
    started = time.perf_counter()
    stats = result.stats if with_stats else None
    for number, path in enumerate(files, 1):
        document = project.document(path)
        if document is None:
            continue
        result.files_checked += 1
        if fix_level is not None:
            _fix_file(project, document, fix_level, result)
            document = project.document(path) or document
        result.diagnostics.extend(check_document(document, project, stats=stats))
        if progress:
            progress(number, len(files))
    result.warnings = list(project.warnings) + list(project.config.messages)
    result.seconds = time.perf_counter() - started
    return result


def _fix_file(project: ProjectIndex, document: Document, level: Applicability, result: Result) -> None:
    """Apply fixes at or above `level` until none is left (at most MAX_FIX_PASSES)."""
    for _ in range(MAX_FIX_PASSES):
        current = project.document(document.path)
        if current is None:
            return
        fixes = [d for d in check_document(current, project) if d.fix and d.fix.applicability >= level]
        if not fixes:
            return
        applied = _apply_batch(project, current, fixes, result)
        if applied == 0:
            return
    raise FixLoopError(f"{document.path}: fixes did not converge after {MAX_FIX_PASSES} passes")


def _apply_batch(project: ProjectIndex, document: Document, fixes: list[Diagnostic], result: Result) -> int:
    """Apply the fixes that do not overlap each other; the rest wait for the next pass."""
    chosen, edits = [], []
    for diagnostic in fixes:
        candidate = [*edits, *diagnostic.fix.edits]
        try:
            texts = _texts_for(project, candidate, document.path)
            apply_to_files(texts, candidate, document.path)
        except (OverlappingEditsError, OSError):
            continue
        chosen.append(diagnostic)
        edits = candidate
    if not chosen:
        return 0
    texts = _texts_for(project, edits, document.path)
    for path, new_text in apply_to_files(texts, edits, document.path).items():
        before = result.fixed.get(path, (texts[path], ""))[0]
        result.fixed[path] = (before, new_text)
        Path(path).write_text(new_text, encoding="utf-8")
        project.file_changed(path, new_text)
    result.fixes_applied += len(chosen)
    return len(chosen)


def _texts_for(project: ProjectIndex, edits: list, own_path: str) -> dict[str, str]:
    texts = {}
    for path in group_by_path(edits, own_path):
        text = project.read(path)
        if text is None:
            raise OSError(f"cannot read {path}")
        texts[path] = text
    return texts


def make_project(paths: list[str], config: Config) -> ProjectIndex:
    return ProjectIndex(config.root or Path.cwd(), config)
