"""A real editor: headless Neovim runs `djvet server`, shows DJV201, applies the fix.

CI installs Debian's Neovim (0.7.2) through `.ci/run`; `nvim/init.lua` also knows the
0.8–0.10 and 0.11+ ways to start a server.
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
NVIM = shutil.which("nvim")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        NVIM is None, reason="nvim is not installed (CI installs it via .ci/run)"
    ),
]

SETTINGS = """\
SECRET_KEY = "not-a-secret"
DEBUG = True
ALLOWED_HOSTS = ["shop.example.com"]
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth"]
"""


def test_neovim_applies_the_debug_quick_fix(tmp_path: Path):
    project = tmp_path / "shop"
    (project / "mysite").mkdir(parents=True)
    (project / "manage.py").write_text("import os\n", encoding="utf-8")
    (project / "mysite" / "__init__.py").touch()
    settings = project / "mysite" / "settings.py"
    settings.write_text(SETTINGS, encoding="utf-8")
    server_log = tmp_path / "server.log"
    env = {
        **os.environ,
        "DJVET_SERVER_CMD": json.dumps(
            [sys.executable, "-m", "djvet", "server", "--log-file", str(server_log)]
        ),
        "DJVET_EDITORS_DIR": str(REPOSITORY / "editors" / "nvim"),
        # Neovim's log, shada and state stay in the test's folder, not in ~.
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    command = [
        NVIM,
        "--headless",
        "-n",
        "-i",
        "NONE",
        "-u",
        str(HERE / "nvim" / "init.lua"),
        "-c",
        f"luafile {HERE / 'nvim' / 'e2e.lua'}",
        str(settings),
    ]
    try:
        run = subprocess.run(
            command,
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:  # subprocess.run killed nvim already
        pytest.fail(
            f"nvim did not finish:\n{error.stdout}\n{_logs(tmp_path, server_log)}"
        )
    report = f"{run.stdout}\n{run.stderr}\n{_logs(tmp_path, server_log)}"
    assert run.returncode == 0, report
    assert "PASS: DJV201 fixed and gone" in run.stdout, report
    text = settings.read_text(encoding="utf-8")
    assert text.startswith("import os\n"), text
    assert 'DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"\n' in text, text


def _logs(tmp_path: Path, server_log: Path) -> str:
    parts = []
    for log in [
        server_log,
        *tmp_path.glob("*/nvim/lsp.log"),
        *tmp_path.glob("*/lsp.log"),
    ]:
        if log.is_file():
            parts.append(
                f"--- {log}:\n{log.read_text(encoding='utf-8', errors='replace')[-4000:]}"
            )
    return "\n".join(parts)
