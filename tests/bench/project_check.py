"""`djvet check` on a large project beside pylint-django and ruff, in the same run.

The project is copied to a scratch folder first (the benchmark edits one file and
writes `.djvet_cache/`; the checked-out corpus is never touched). Each tool runs on
the same Python files with two processes, as on a 2-core CI machine:

- djvet cold (no `.djvet_cache/`), warm with nothing changed, and warm after one
  file changed — the three runs a CI job and a pre-commit hook see;
- `pylint --load-plugins pylint_django`, the peer djvet must beat by 6x cold, on one app
  of the project (`pylint_app`) with djvet checking the same app, one process each:
  pylint takes tens of minutes on the whole of NetBox, and with `-j 2` one astroid
  error in a worker (NetBox's contenttypes imports) ends its whole run;
- `ruff check --select DJ`, the fast baseline (Rust, a handful of rules).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
PYLINT_TIMEOUT = 900  # seconds; beyond that the ratio is reported as a lower bound


@dataclass
class Timing:
    seconds: float
    finished: bool = True  # False: stopped at the timeout
    failed: bool = False  # the tool crashed (a non-zero exit despite `--exit-zero`)

    def __str__(self) -> str:
        if self.failed:
            return f"{self.seconds:.1f} s (crashed)"
        return (
            f"{self.seconds:.1f} s"
            if self.finished
            else f"> {self.seconds:.0f} s (timed out)"
        )


def _run(command: list[str], cwd: Path, timeout: float | None = None) -> Timing:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return Timing(time.perf_counter() - started, finished=False)
    return Timing(time.perf_counter() - started, failed=done.returncode != 0)


def _one_views_module(root: Path) -> Path:
    candidates = sorted(root.rglob("views.py"), key=lambda p: -p.stat().st_size)
    return candidates[0] if candidates else next(iter(sorted(root.rglob("*.py"))))


def _lines(folder: Path) -> int:
    return sum(
        p.read_text(encoding="utf-8", errors="replace").count("\n")
        for p in folder.rglob("*.py")
    )


def compare(corpus: Path, source_root: str, pylint_app: str, budget) -> None:
    """Run the three tools on `corpus` (its Python code under `source_root`)."""
    with tempfile.TemporaryDirectory(prefix="djvet-bench-") as folder:
        root = Path(folder) / corpus.name
        shutil.copytree(
            corpus,
            root,
            ignore=shutil.ignore_patterns(".git", ".djvet_cache", "node_modules"),
        )
        source = root / source_root
        djvet = [
            str(BIN / "djvet"),
            "check",
            "--exit-zero",
            "--no-progress",
            "--jobs",
            "2",
        ]
        ruff = [
            str(BIN / "ruff"),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "DJ",
            "--exit-zero",
            ".",
        ]
        pylint = [
            str(BIN / "pylint"),
            "--load-plugins",
            "pylint_django",
            "-j",
            "1",
            "--exit-zero",
            pylint_app,
        ]
        ruff_time = _run(ruff, source)
        cold = _run([*djvet, "."], root)
        warm = _run([*djvet, "."], root)
        changed = _one_views_module(source)
        with changed.open("a", encoding="utf-8") as handle:
            handle.write("\n# an edit between two CI runs\n")
        one_changed = _run([*djvet, "."], root)
        app_cold = _run(
            [*djvet[:-1], "1", "--no-cache", str(source / pylint_app)], root
        )
        pylint_time = (
            _run(pylint, source, timeout=PYLINT_TIMEOUT)
            if (BIN / "pylint").exists()
            else None
        )
    print(
        f"  {_lines(corpus / source_root):,} lines of Python; 2 processes for djvet and ruff"
    )
    print(f"  ruff --select DJ: {ruff_time}")
    print(
        f"  djvet cold: {cold} ({cold.seconds / ruff_time.seconds:.0f}x ruff); warm, nothing changed: "
        f"{warm}; warm, one file changed ({changed.relative_to(root)}): {one_changed}"
    )
    budget(
        f"{corpus.name}: djvet cold <= 12 s on 2 cores", cold.seconds <= 12.0, str(cold)
    )
    budget(
        f"{corpus.name}: djvet warm, nothing changed <= 0.5 s",
        warm.seconds <= 0.5,
        str(warm),
    )
    app = f"{source_root}/{pylint_app}"
    if pylint_time is None:
        print("  pylint-django: not installed (`make bench` installs it)")
        return
    ratio = pylint_time.seconds / app_cold.seconds
    bound = "" if pylint_time.finished else "at least "
    print(
        f"  {app} ({_lines(corpus / app):,} lines), one process each: pylint --load-plugins "
        f"pylint_django {pylint_time}, djvet cold {app_cold} ({bound}{ratio:.1f}x faster)"
    )
    if pylint_time.failed:
        print("  pylint-django crashed: no ratio")
        return
    budget(
        f"{app}: djvet cold >= 6x faster than pylint-django",
        ratio >= 6.0,
        f"{bound}{ratio:.1f}x",
    )
