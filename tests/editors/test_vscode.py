"""Real VS Code: the djvet .vsix in code-server, driven in headless Chromium.

`vscode/code-server-e2e.mjs` installs `vscode-extension/djvet.vsix` into code-server
4.100.3 (VS Code 1.100.3), opens `examples/bookshop/catalog/services.py` (a copy), waits
for the DJV101 squiggle on `book.author` in `export_rows`, opens the quick-fix menu
(the README's screenshot), applies djvet's fix, saves, and checks that the DJV101
findings go; runs the Fix All and Show Rule Documentation commands; then checks that
settings changes apply without a restart (a severity, `diagnosticMode` "workspace") and
that a broken `djvet.interpreter` gives a clear error.

`make test-vscode` builds the .vsix, installs code-server and playwright-core
(`vscode/setup.sh`) and runs this test; CI runs it after `make test`. Under plain
`make test` it runs when those are in place, and is skipped (with the reason) otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
CACHE = REPOSITORY / "build" / "vscode"
CODE_SERVER = CACHE / "code-server-4.100.3" / "node_modules" / ".bin" / "code-server"
VSIX = REPOSITORY / "vscode-extension" / "djvet.vsix"
DRIVER = HERE / "vscode" / "code-server-e2e.mjs"
PLAYWRIGHT = HERE / "vscode" / "node_modules" / "playwright-core"
CHROMIUM = Path("/usr/bin/chromium")
FIXED_LOOP = 'for book in Book.objects.select_related("author", "publisher").all():'

pytestmark = pytest.mark.e2e


def _missing() -> str | None:
    """Why the test cannot run here, or None."""
    unavailable = CACHE / "unavailable.txt"
    if unavailable.is_file():  # setup.sh could not install something: its reason
        return unavailable.read_text(encoding="utf-8").strip()
    needs = {
        "node": shutil.which("node") is not None,
        f"{CHROMIUM} (apt-get install chromium)": CHROMIUM.exists(),
        f"code-server ({CODE_SERVER.relative_to(REPOSITORY)})": CODE_SERVER.exists(),
        "playwright-core (tests/editors/vscode/node_modules)": PLAYWRIGHT.is_dir(),
        f"the extension ({VSIX.relative_to(REPOSITORY)}; `make vsix`)": VSIX.is_file(),
    }
    absent = [name for name, present in needs.items() if not present]
    if absent:
        return f"not installed: {', '.join(absent)}; `make test-vscode` installs them and runs this test"
    return None


def test_vscode_quick_fix_settings_and_broken_interpreter(tmp_path: Path):
    reason = _missing()
    if reason is not None:
        print(f"SKIP test_vscode: {reason}")
        pytest.skip(reason)
    workspace = tmp_path / "bookshop"
    shutil.copytree(REPOSITORY / "examples" / "bookshop", workspace)
    services = workspace / "catalog" / "services.py"
    assert "for book in Book.objects.all():" in services.read_text(encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    screenshots = Path(os.environ.get("DJVET_SCREENSHOTS") or out).resolve()
    env = {
        **os.environ,
        "CODE_SERVER": str(CODE_SERVER),
        "VSIX": str(VSIX),
        "WORKSPACE": str(workspace),
        "OUT": str(out),
        "SCREENSHOTS": str(screenshots),
    }
    try:
        run = subprocess.run(
            ["node", str(DRIVER)],
            cwd=HERE / "vscode",
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the VS Code driver did not finish:\n{error.stdout}\n{_logs(out)}")
    report = f"{run.stdout}\n{run.stderr}\n{_logs(out)}"
    print(run.stdout)
    assert run.returncode == 0, report
    assert "PASS" in run.stdout, report
    text = services.read_text(encoding="utf-8")
    assert FIXED_LOOP in text, text
    assert (screenshots / "vscode-quick-fix.png").stat().st_size > 10_000
    djvet_log = _djvet_log(out)
    # No Python extension in code-server: the fallback is said, not silent.
    assert (
        "python3 on PATH (the Python extension (ms-python.python) is not installed)"
        in djvet_log
    ), djvet_log
    assert "settings changed: sent to the server" in djvet_log, djvet_log


def _djvet_log(out: Path) -> str:
    logs = sorted((out / "logs").rglob("*djvet*.log"))
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)


def _logs(out: Path) -> str:
    parts = [f"--- djvet output channel:\n{_djvet_log(out)[-6000:]}"]
    code_server = out / "code-server.log"
    if code_server.is_file():
        parts.append(
            f"--- code-server.log:\n{code_server.read_text(errors='replace')[-3000:]}"
        )
    parts.append(f"--- screenshots and logs in {out}")
    return "\n".join(parts)
