"""A real Emacs: Eglot runs `djvet server` on the bookshop example and applies the N+1 fix.

CI installs Debian's `emacs-nox` and `elpa-eglot` (Emacs 28.2, Eglot 1.9) through
`.ci/run`; Emacs 29+ has Eglot built in. `emacs/djvet-e2e.el` says what is checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
EMACS = shutil.which("emacs")
GIT = shutil.which("git")
FIXED_LOOP = 'for book in Book.objects.select_related("author", "publisher").all():'

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        EMACS is None,
        reason="emacs is not installed (CI installs emacs-nox and elpa-eglot via .ci/run)",
    ),
    pytest.mark.skipif(
        GIT is None,
        reason="git is not installed (Eglot finds the project root with it)",
    ),
]


def test_eglot_applies_the_n_plus_one_quick_fix(tmp_path: Path):
    project = tmp_path / "bookshop"
    shutil.copytree(REPOSITORY / "examples" / "bookshop", project)
    # Eglot's project (the server's root folder) is the version-control root, as in real use.
    subprocess.run([GIT, "init", "-q", str(project)], check=True)
    services = project / "catalog" / "services.py"
    server_log = tmp_path / "server.log"
    env = {
        **os.environ,
        "DJVET_SERVER_CMD": json.dumps(
            [sys.executable, "-m", "djvet", "server", "--log-file", str(server_log)]
        ),
        "HOME": str(tmp_path / "home"),  # no user init file, no ~/.emacs.d writes
    }
    command = [
        EMACS,
        "--batch",
        "-l",
        str(HERE / "emacs" / "djvet-e2e.el"),
        "--eval",
        f"(djvet-e2e {json.dumps(str(services))})",
    ]
    try:
        run = subprocess.run(
            command,
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"emacs did not finish:\n{error.stdout}\n{_tail(server_log)}")
    report = f"{run.stdout}\n{run.stderr}\n{_tail(server_log)}"
    print(run.stdout)
    assert run.returncode == 0, report
    assert "PASS: DJV101 fixed and gone" in run.stdout, report
    assert FIXED_LOOP in services.read_text(encoding="utf-8")


def _tail(log: Path) -> str:
    if not log.is_file():
        return "(no server log)"
    return f"--- {log}:\n{log.read_text(encoding='utf-8', errors='replace')[-4000:]}"
