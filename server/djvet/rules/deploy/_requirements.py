"""Requirement lines of pip requirement files and pyproject.toml, with their positions."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

# `name[extras] <specifiers> ; markers` (PEP 508 without direct references).
_REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;]*?)\s*(?:;.*)?$"
)
_PINNED = re.compile(r"(===|==|~=|<=|<|>=|>|!=)")
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml")


@dataclass(frozen=True)
class Requirement:
    name: str
    line: int
    start: int  # column range of the requirement text
    end: int
    pinned: bool


def parse(text: str) -> tuple[str, bool] | None:
    """(name, has a version specifier) of one requirement, or None for anything else
    (options, URLs, paths, direct references)."""
    text = text.strip()
    if (
        not text
        or text.startswith(("-", ".", "/", "~"))
        or "://" in text
        or " @ " in text
        or "@" in text.split(";")[0]
    ):
        return None
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    return match.group("name"), bool(_PINNED.search(match.group("spec")))


def requirements_file(lines: list[str]) -> Iterator[Requirement]:
    for number, line in enumerate(lines):
        content = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]
        content = content.rstrip().removesuffix("\\").rstrip()
        content = re.split(r"\s--hash", content)[0]
        parsed = parse(content)
        if parsed is None:
            continue
        start = len(line) - len(line.lstrip())
        yield Requirement(
            parsed[0], number, start, start + len(content.strip()), parsed[1]
        )


def constraint_files(lines: list[str], folder: str) -> list[str]:
    """Files named by `-c file` (pip constraints pin what the requirements leave open)."""
    found = []
    for line in lines:
        match = re.match(r"^\s*(?:-c|--constraint)\s*=?\s*(\S+)", line)
        if match:
            found.append(os.path.normpath(os.path.join(folder, match.group(1))))
    return found


def pyproject(lines: list[str]) -> Iterator[Requirement]:
    """Dependencies of `[project]`, `[project.optional-dependencies]`,
    `[dependency-groups]` (PEP 508 strings) and Poetry's dependency tables."""
    table = ""
    in_array = False
    for number, line in enumerate(lines):
        stripped = (
            line.split("#", 1)[0].strip()
            if not line.strip().startswith(('"', "'"))
            else line.strip()
        )
        header = re.match(r"^\[\s*([^\]]+?)\s*\]$", stripped)
        if header and not in_array:
            table = header.group(1)
            continue
        if _pep508_table(table):
            opening = re.match(r"^([\w.-]+|\"[^\"]+\")\s*=\s*\[", stripped)
            if opening and (table != "project" or opening.group(1) == "dependencies"):
                in_array = True
            if in_array:
                yield from _strings(line, number)
                if "]" in re.sub(r"\"[^\"]*\"|'[^']*'", "", stripped):
                    in_array = False
        elif _poetry_table(table):
            yield from _poetry(line, number)


def _pep508_table(table: str) -> bool:
    return table in ("project", "project.optional-dependencies", "dependency-groups")


def _poetry_table(table: str) -> bool:
    return bool(
        re.fullmatch(
            r"tool\.poetry\.(dev-)?dependencies|tool\.poetry\.group\.[\w-]+\.dependencies",
            table,
        )
    )


def _strings(line: str, number: int) -> Iterator[Requirement]:
    for match in re.finditer(r"\"([^\"]*)\"|'([^']*)'|#.*", line):
        if match.group().startswith("#"):
            return  # a comment: quoted words in it are not requirements
        text = match.group(1) if match.group(1) is not None else match.group(2)
        parsed = parse(text)
        if parsed is not None:
            yield Requirement(
                parsed[0], number, match.start() + 1, match.end() - 1, parsed[1]
            )


def _poetry(line: str, number: int) -> Iterator[Requirement]:
    """`celery = "*"` or `celery = { version = "*", extras = [...] }` is unpinned."""
    match = re.match(r"^\s*([A-Za-z0-9][\w.-]*)\s*=\s*(.+?)\s*(#.*)?$", line)
    if match is None or match.group(1).lower() == "python":
        return
    value = match.group(2)
    version = re.match(r"^[\"']([^\"']*)[\"']$", value)
    if version is None:
        inner = re.search(r"\bversion\s*=\s*[\"']([^\"']*)[\"']", value)
        if inner is None:
            return  # a git, path or url dependency: pinned by its reference
        version = inner
    spec = version.group(1).strip()
    start = line.index(match.group(1))
    yield Requirement(
        match.group(1),
        number,
        start,
        start + len(match.group(0).strip()),
        spec not in ("", "*"),
    )
