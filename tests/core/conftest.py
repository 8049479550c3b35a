"""Helpers for the core unit tests: a throwaway project on disk and rules that exist
only for the length of one test (so they never leak into the real registry)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from djvet import engine
from djvet.core import rule as rule_module
from djvet.core.config import Config
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.index import ProjectIndex


def write_project(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8", newline="")


@contextmanager
def temporary_rule(code: str, name: str, **options: object) -> Iterator[Rule]:
    """A rule registered for the duration of the block, then removed again."""
    options = {
        "family": Family.TOOLING,
        "message": f"test rule {name}",
        "fix": FixAvailability.SOMETIMES,
        "applies_to": FileRole.PYTHON,
        **options,
    }
    rule = Rule(code=code, name=name, docs="test rule", **options)  # type: ignore[arg-type]
    engine._plans.clear()  # the engine caches handler plans by the set of codes
    try:
        yield rule
    finally:
        rule_module.RULES.pop(code, None)
        rule_module._NAMES.discard(name)
        engine._plans.clear()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., ProjectIndex]:
    def make(files: dict[str, str], select: tuple[str, ...] = ("DJV",)) -> ProjectIndex:
        write_project(tmp_path, files)
        return ProjectIndex(tmp_path, Config(root=tmp_path, select=select))

    return make
