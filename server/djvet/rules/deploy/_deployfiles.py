"""Deployment files: which lines are commands, which files are for development, and
which WSGI module production serves."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from djvet.core.context import FileContext
from djvet.project.index import ProjectIndex
from djvet.project.modules import dotted_name
from djvet.project.settings import effective_settings, settings_index

_DEVELOPMENT = {
    "dev",
    "devel",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "override",
    "example",
    "examples",
    "sample",
    "demo",
    "debug",
    "devcontainer",
}
_PRODUCTION = {"prod", "production", "staging", "deploy", "release", "live"}
_MOUNTS_SOURCE = re.compile(r"^\s*-\s*[\"']?\.{1,2}/?:", re.M)
_DEBUG_ON = re.compile(r"DEBUG[\"']?\s*[:=]\s*[\"']?(1|true|yes|on)\b", re.I)


def _words(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.lower()))


def kind(path: str) -> str:
    name = PurePosixPath(path).name.lower()
    if name.startswith("procfile"):
        return "procfile"
    if name.endswith(".service"):
        return "systemd"
    if "compose" in name:
        return "compose"
    return "dockerfile"


def development_file(ctx: FileContext) -> bool:
    """A file whose name or folders say it is for development, or a plain compose file
    next to a production one."""
    relative = ctx.relative_path
    if any(_words(part) & _DEVELOPMENT for part in PurePosixPath(relative).parts):
        return True
    if (
        kind(relative) == "compose"
        and not _words(PurePosixPath(relative).name) & _PRODUCTION
    ):
        folder = os.path.dirname(ctx.path)
        try:
            siblings = os.listdir(folder)
        except OSError:
            siblings = []
        return any("compose" in s.lower() and _words(s) & _PRODUCTION for s in siblings)
    return False


def command_lines(ctx: FileContext) -> Iterator[int]:
    """Line numbers that hold (part of) the command a deployment runs."""
    lines = ctx.document.lines
    style = kind(ctx.relative_path)
    if style == "dockerfile":
        yield from _dockerfile(lines)
    elif style == "compose":
        yield from _compose(lines)
    else:
        prefix = re.compile(
            r"^\s*[\w-]+\s*:"
            if style == "procfile"
            else r"^\s*ExecStart(Pre|Post)?\s*="
        )
        yield from (n for n, line in enumerate(lines) if prefix.match(line))


def _dockerfile(lines: list[str]) -> Iterator[int]:
    development_stage = False
    continuing = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        stage = re.match(r"(?i)^FROM\s+\S+(?:\s+AS\s+(\S+))?", stripped)
        if stage:
            development_stage = bool(
                stage.group(1) and _words(stage.group(1)) & _DEVELOPMENT
            )
        instruction = re.match(r"(?i)^(CMD|ENTRYPOINT)\b", stripped)
        if (
            (instruction or continuing)
            and not development_stage
            and not stripped.startswith("#")
        ):
            yield number
        if instruction or continuing:
            continuing = stripped.endswith("\\")


def _compose(lines: list[str]) -> Iterator[int]:
    for number, line in enumerate(lines):
        if line.lstrip().startswith("#") or "runserver" not in line:
            continue
        block = _service_block(lines, number)
        if _MOUNTS_SOURCE.search(block) or _DEBUG_ON.search(block):
            continue  # a development service: the source tree mounted, or DEBUG on
        yield number


def _service_block(lines: list[str], number: int) -> str:
    """The text of the compose service that line `number` belongs to."""
    services = next(
        (i for i, line in enumerate(lines) if re.match(r"^services\s*:", line)), None
    )
    if services is None or services > number:
        return "\n".join(lines)
    indent = next(
        (
            len(line) - len(line.lstrip())
            for line in lines[services + 1 :]
            if line.strip()
        ),
        2,
    )
    start = number
    while start > services + 1 and not (
        lines[start].strip()
        and len(lines[start]) - len(lines[start].lstrip()) <= indent
    ):
        start -= 1
    end = number + 1
    while end < len(lines) and not (
        lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) <= indent
    ):
        end += 1
    return "\n".join(lines[start:end])


def wsgi_module(project: ProjectIndex) -> str | None:
    """`config.wsgi` from `WSGI_APPLICATION` (or the one `wsgi.py`); None for projects
    that need an ASGI server (Channels or Daphne installed)."""
    index = settings_index(project)
    modules = index.production_views() or list(index.modules.values())
    for module in modules:
        settings = effective_settings(project, module)
        apps = settings.string_list("INSTALLED_APPS") or []
        if any(app.split(".")[0] in ("channels", "daphne") for app in apps):
            return None
        application = settings.value("WSGI_APPLICATION")
        if isinstance(application, str) and "." in application:
            module_name, _, attribute = application.rpartition(".")
            return (
                module_name
                if attribute == "application"
                else f"{module_name}:{attribute}"
            )
    candidates = [
        p
        for p in project.python_files()
        if os.path.basename(p) == "wsgi.py" and "site-packages" not in p
    ]
    return dotted_name(candidates[0]) if len(candidates) == 1 else None
