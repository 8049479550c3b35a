"""Checking and fixing a throwaway project of several files (fixes that edit other files)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from djvet.checker import Result, _fix_file
from djvet.core.model import Applicability, Diagnostic
from djvet.engine import check_document
from rules.harness import make_project


def project_of(
    tmp_path: Path, files: dict[str, str], code: str, config: dict | None = None
):
    files = {path: textwrap.dedent(text) for path, text in files.items()}
    return make_project(tmp_path, files, (code,), config)


def findings(
    tmp_path: Path,
    files: dict[str, str],
    path: str,
    code: str,
    config: dict | None = None,
) -> list[Diagnostic]:
    project = project_of(tmp_path, files, code, config)
    return [
        d
        for d in check_document(project.document(str(tmp_path / path)), project)
        if d.code == code
    ]


def fixed(
    tmp_path: Path,
    files: dict[str, str],
    path: str,
    code: str,
    config: dict | None = None,
    level: Applicability = Applicability.UNSAFE,
) -> dict[str, str]:
    """Every file of the project after fixing `path` (fixes may edit other files)."""
    project = project_of(tmp_path, files, code, config)
    _fix_file(project, project.document(str(tmp_path / path)), level, Result())
    return {name: (tmp_path / name).read_text(encoding="utf-8") for name in files}
