"""`manage.py runserver` commands in deployment files, and their gunicorn equivalent."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# `python manage.py runserver 0.0.0.0:8000 --noreload` (shell form).
SHELL = re.compile(
    r"(?P<python>(?:[\w./-]*/)?python[\d.]*\s+|(?:[\w./-]*/)?(?=manage\.py))?"
    r"(?P<manage>(?:[\w./${}-]*/)?manage\.py|django-admin(?:\.py)?)\s+runserver"
    r"(?P<args>(?:[ \t]+(?:--?[\w-]+(?:[= ](?![-#])[^\s&;|\"']+)?|[^\s&;|\"'#\-][^\s&;|\"']*))*)"
)
# `["python", "manage.py", "runserver", "0.0.0.0:8000"]` (exec form).
EXEC = re.compile(r"\[\s*\"[^\[\]]*\"runserver\"[^\[\]]*\]")
_IGNORED = {
    "--noreload",
    "--nothreading",
    "--nostatic",
    "--skip-checks",
    "--insecure",
    "-6",
    "--ipv6",
}


@dataclass(frozen=True)
class Runserver:
    start: int  # column range of the command in its line
    end: int
    interpreter: str  # "python", "/venv/bin/python", ""
    manage: str  # "manage.py", "/srv/app/manage.py"
    arguments: list[str]
    exec_form: bool = False


def find(line: str) -> Runserver | None:
    match = EXEC.search(line)
    if match is not None:
        found = _exec_form(line, match)
        if found is not None:
            return found
    match = SHELL.search(line)
    if match is None:
        return None
    python = (match.group("python") or "").strip()
    return Runserver(
        match.start(),
        match.end(),
        python,
        match.group("manage"),
        match.group("args").split(),
    )


def _exec_form(line: str, match: re.Match[str]) -> Runserver | None:
    try:
        items = json.loads(match.group())
    except ValueError:
        return None
    if not all(isinstance(i, str) for i in items) or "runserver" not in items:
        return None
    index = items.index("runserver")
    if index == 0 or not re.search(r"manage\.py$|django-admin", items[index - 1]):
        return None
    python = items[index - 2] if index >= 2 and "python" in items[index - 2] else ""
    return Runserver(
        match.start(),
        match.end(),
        python,
        items[index - 1],
        items[index + 1 :],
        exec_form=True,
    )


def gunicorn(found: Runserver, wsgi: str) -> str | None:
    """The gunicorn command serving `wsgi` where runserver served, or None when an
    option has no gunicorn equivalent."""
    address, settings = None, None
    arguments = list(found.arguments)
    while arguments:
        argument = arguments.pop(0)
        if argument.startswith("--settings"):
            settings = argument.partition("=")[2] or (
                arguments.pop(0) if arguments else None
            )
            if not settings:
                return None
        elif argument in _IGNORED:
            continue
        elif argument.startswith("-") or address is not None:
            return None
        else:
            address = _address(argument)
    parts = [_program(found.interpreter), wsgi]
    folder = found.manage.rpartition("/")[0]
    if folder and folder not in (".", ""):
        parts += ["--chdir", folder]
    if address is not None:
        parts += ["--bind", address]
    if settings:
        parts += ["--env", f"DJANGO_SETTINGS_MODULE={settings}"]
    if found.exec_form:
        return json.dumps(parts)
    return " ".join(parts)


def _address(argument: str) -> str:
    """runserver's `[addr:]port` as gunicorn's `--bind` (runserver's default host is
    127.0.0.1, and `0` means every interface)."""
    if argument.startswith("["):
        return argument
    host, colon, port = argument.rpartition(":")
    if not colon:
        return f"127.0.0.1:{argument}"
    return f"{'0.0.0.0' if host == '0' else host}:{port}"


def _program(interpreter: str) -> str:
    """`/venv/bin/python3` -> `/venv/bin/gunicorn`; plain `python` -> `gunicorn`."""
    folder = interpreter.rpartition("/")[0]
    return f"{folder}/gunicorn" if folder and "python" in interpreter else "gunicorn"
