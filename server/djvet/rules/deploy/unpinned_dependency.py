"""
## What it does
Flags dependencies without a version in pip requirement files (`celery`) and in
`pyproject.toml` (`"celery"` in `[project] dependencies`, optional dependencies and
dependency groups; `celery = "*"` for Poetry). Not flagged: pip-tools inputs
(`requirements.in`, and a `.txt` compiled from one next to it), names pinned by a
`-c constraints.txt` or by another requirement file of the same folder, and a `pyproject.toml` next to a lock file (`uv.lock`,
`poetry.lock`, `pdm.lock`), which pins every version, or with a `[build-system]` (a
package others install: its dependencies must stay ranges).

## Why is this bad?
An unpinned dependency installs whatever is newest on the day of the build. The same
commit then builds differently in CI, staging and production, and a major release of
a library breaks a deploy nobody changed. Pin exact versions, or compatible ranges
with a lock file.

## Example
```text
Django==5.2.*
celery
```

## Use instead
```text
Django==5.2.*
celery==5.4.*
```

## Fix safety
Display-only: when the project's interpreter (the `python` setting or a `.venv` in the
project) has the package installed, the suggestion pins that version.

## References
- pip docs: https://pip.pypa.io/en/stable/topics/repeatable-installs/
- Guide §8.5
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Language, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.environment import python_environment
from djvet.rules.deploy._requirements import (
    LOCK_FILES,
    Requirement,
    constraint_files,
    pyproject,
    requirements_file,
)

RULE = Rule(
    code="DJV805",
    name="unpinned-dependency",
    family=Family.DEPLOY,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Dependency without a version: every build may install a different release",
    fix_title="Pin the installed version",
    applies_to=FileRole.REQUIREMENTS | FileRole.PYPROJECT,
    languages=frozenset({Language.TEXT}),
)


@RULE.on_module
def check_requirements(ctx: FileContext) -> Iterator[Diagnostic]:
    folder = os.path.dirname(ctx.path)
    name = os.path.basename(ctx.path).lower()
    lines = ctx.document.lines
    if name == "pyproject.toml":
        if any(os.path.exists(os.path.join(folder, lock)) for lock in LOCK_FILES):
            return
        if re.search(r"^\[build-system\]", ctx.text, re.M):
            return  # a distributable package: its users' lock files pin, ranges belong here
        found = list(pyproject(lines))
    else:
        stem, suffix = os.path.splitext(ctx.path)
        if suffix.lower() == ".in" or os.path.exists(stem + ".in"):
            return  # pip-tools: the .in lists names, the compiled .txt pins them
        constrained = _constrained(
            ctx, constraint_files(lines, folder) + _siblings(ctx, folder)
        )
        found = [r for r in requirements_file(lines) if _key(r.name) not in constrained]
    for requirement in found:
        if not requirement.pinned:
            yield _finding(ctx, requirement)


def _finding(ctx: FileContext, requirement: Requirement) -> Diagnostic:
    span = Span(requirement.line, requirement.start, requirement.line, requirement.end)
    message = f"`{requirement.name}` has no version: every build may install a different release"
    version = _installed(ctx, requirement.name)
    fix = None
    if version is not None and os.path.basename(ctx.path).lower() != "pyproject.toml":
        text = ctx.document.slice(span)
        head = re.match(r"[A-Za-z0-9][\w.-]*\s*(\[[^\]]*\])?", text)
        name_end = head.end() if head else len(requirement.name)
        pinned = f"{text[:name_end]}=={version}{text[name_end:]}"
        fix = Fix.display_only(
            f"Pin `{requirement.name}=={version}` (installed)", Edit(span, pinned)
        )
    return RULE.diagnostic(ctx, span, message=message, fix=fix)


def _installed(ctx: FileContext, name: str) -> str | None:
    """The version installed in the project's own interpreter (not djvet's)."""
    environment = python_environment(ctx.project)
    if environment.source not in ("config", "venv"):
        return None
    pattern = re.sub(r"[-_.]+", "[-_.]", re.escape(name))
    for folder in environment.paths:
        for entry in glob.glob(os.path.join(folder, "*.dist-info")):
            match = re.fullmatch(
                rf"(?i){pattern}-([^-]+)\.dist-info", os.path.basename(entry)
            )
            if match:
                return match.group(1)
    return None


def _siblings(ctx: FileContext, folder: str) -> list[str]:
    """Other requirement files of the folder: a name pinned there (NetBox's
    `base_requirements.txt` beside the pinned `requirements.txt`) is pinned."""
    return [
        path
        for path in ctx.project.files()
        if os.path.dirname(path) == folder
        and path != ctx.path
        and not path.endswith(".in")
        and os.path.basename(path).lower() != "pyproject.toml"
        and ctx.project.roles(path, "") & FileRole.REQUIREMENTS
    ]


def _constrained(ctx: FileContext, files: list[str]) -> set[str]:
    """Names these files pin to one version (`==`)."""
    names: set[str] = set()
    for path in files:
        lines = (ctx.project.read(path) or "").splitlines()
        names |= {
            _key(r.name)
            for r in requirements_file(lines)
            if r.pinned and "==" in lines[r.line][r.start : r.end]
        }
    return names


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
