"""Copy a runtime-proof project, run Django in it (in a subprocess), fix it with djvet.

Django never runs in the test process: djvet must not import project code, and each
phase needs a fresh interpreter anyway (a fixed module must be imported anew).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from djvet.cli import main

HERE = Path(__file__).resolve().parent
TIMEOUT = 300


def copy_project(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(
        HERE / name,
        target,
        ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", "*.db"),
    )
    return target


def django(
    project: Path, *args: str, database: str = "db.sqlite3"
) -> subprocess.CompletedProcess[str]:
    """`python manage.py <args>` in the project, with its own SQLite file."""
    environment = {
        **os.environ,
        "SHOP_DATABASE": str(project / database),
        "DJANGO_SECRET_KEY": "runtime-proof-only",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def python(
    project: Path, code: str, database: str = "db.sqlite3"
) -> subprocess.CompletedProcess[str]:
    """Run `code` with Django set up for the project."""
    prelude = (
        "import os, sys, django\n"
        "sys.path.insert(0, os.getcwd())\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shopproject.settings')\n"
        "django.setup()\n"
    )
    environment = {
        **os.environ,
        "SHOP_DATABASE": str(project / database),
        "DJANGO_SECRET_KEY": "runtime-proof-only",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def djvet_fix(project: Path, codes: str, *, unsafe: bool = False) -> int:
    """`djvet check --fix` on the project for `codes`; returns the exit status."""
    arguments = [
        "check",
        str(project),
        "--select",
        codes,
        "--fix",
        "--exit-zero",
        "--output-format",
        "concise",
    ]
    if unsafe:
        arguments.append("--unsafe-fixes")
    return main(arguments)


def djvet_findings(project: Path, codes: str, capsys) -> list[str]:
    main(
        [
            "check",
            str(project),
            "--select",
            codes,
            "--output-format",
            "concise",
            "--exit-zero",
        ]
    )
    output = capsys.readouterr().out
    return [line for line in output.splitlines() if ": DJV" in line]
