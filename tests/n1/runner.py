"""Runtime ground truth for the N+1 rules: count the queries a case makes at 2 and 5 rows.

A case is a module text defining `run()`, which returns JSON-able data. It is written
into `cases/<name>.py` of a copy of `tests/djangoproject` and run in a fresh Python
process (djvet never imports project code; the tests keep Django out of their own
process too). All cases given to one `run_cases` call share that process, so a suite
pays Django's start-up once.

    project = copy_project(tmp_path)
    run = run_case(source, "pos_fk_loop", project)
    run.counts  # {2: 3, 5: 6}
    run.results  # {2: [...], 5: [...]}
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent / "djangoproject"
CASES = HERE / "cases"
CHILD = HERE / "child.py"
SIZES = (2, 5)
CASES_PACKAGE = "cases"
TIMEOUT = 300

# `# expect: DJV101` (or `{# expect: DJV105 #}` in templates); several codes: `DJV101, DJV109`.
MARKER = re.compile(r"expect:\s*(?P<codes>DJV\d{3}(?:\s*,\s*DJV\d{3})*)")
# `# golden-fix: OLD => NEW`: a hand-written fix, applied as a text replacement.
GOLDEN = re.compile(r"^\s*# golden-fix: (?P<old>.+?) => (?P<new>.+?)\s*$")


class CaseError(RuntimeError):
    """A case raised (or returned something that is not JSON) at some size."""


@dataclass(frozen=True)
class CaseRun:
    name: str
    counts: dict[int, int]
    results: dict[int, Any]
    sql: dict[int, list[str]] = field(default_factory=dict, repr=False)
    error: str | None = None

    @property
    def grows(self) -> bool:
        """More rows, more queries: an N+1 (sizes compared pairwise, smallest first)."""
        counts = [self.counts[n] for n in sorted(self.counts)]
        return len(counts) > 1 and all(
            a < b for a, b in zip(counts, counts[1:], strict=False)
        )

    @property
    def constant(self) -> bool:
        return len(set(self.counts.values())) == 1

    def describe(self) -> str:
        sizes = ", ".join(f"n={n}: {q} queries" for n, q in sorted(self.counts.items()))
        return f"{self.name}: {sizes}" + (f"\n{self.error}" if self.error else "")


@dataclass(frozen=True)
class ViewJob:
    """GET `url` with Django's test client (as a logged-in superuser when `login`)."""

    name: str
    url: str
    login: bool = False


def copy_project(tmp_path: Path) -> Path:
    """A writable copy of the ground-truth project (fixes may edit any file of it)."""
    target = Path(tmp_path) / "djangoproject"
    shutil.copytree(
        PROJECT, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    install_cases(target, {})
    return target


def install_cases(project_dir: Path, cases: Mapping[str, str]) -> dict[str, Path]:
    """Write each case as `cases/<name>.py` of the project; returns the paths."""
    package = Path(project_dir) / CASES_PACKAGE
    package.mkdir(exist_ok=True)
    (package / "__init__.py").touch()
    paths = {}
    for name, source in cases.items():
        if not name.isidentifier():
            raise ValueError(f"case name {name!r} is not a Python identifier")
        paths[name] = package / f"{name}.py"
        paths[name].write_text(source, encoding="utf-8")
    return paths


def install_case(project_dir: Path, case_name: str, case_source: str) -> Path:
    return install_cases(project_dir, {case_name: case_source})[case_name]


def run_case(
    case_source: str, case_name: str, project_dir: Path | None = None
) -> CaseRun:
    """Run one case at every size; raises `CaseError` when the case fails."""
    run = run_cases({case_name: case_source}, project_dir)[case_name]
    if run.error:
        raise CaseError(run.describe())
    return run


def run_cases(
    cases: Mapping[str, str],
    project_dir: Path | None = None,
    views: Iterable[ViewJob] = (),
    sizes: tuple[int, ...] = SIZES,
) -> dict[str, CaseRun]:
    """Run many cases (and views) in one process; failures are in `CaseRun.error`."""
    views = list(views)
    with tempfile.TemporaryDirectory(prefix="djvet-n1-") as scratch:
        project = Path(project_dir) if project_dir else copy_project(Path(scratch))
        install_cases(project, cases)
        jobs = [{"kind": "case", "name": name} for name in cases]
        jobs += [
            {"kind": "view", "name": v.name, "url": v.url, "login": v.login}
            for v in views
        ]
        outcomes = _run_child(
            project, {"sizes": list(sizes), "jobs": jobs}, Path(scratch)
        )
    return {outcome["name"]: _case_run(outcome) for outcome in outcomes}


def run_views(
    views: Iterable[ViewJob], project_dir: Path | None = None
) -> dict[str, CaseRun]:
    return run_cases({}, project_dir, views)


def _run_child(
    project: Path, spec: dict[str, Any], scratch: Path
) -> list[dict[str, Any]]:
    jobs_path, out_path = scratch / "jobs.json", scratch / "out.json"
    jobs_path.write_text(json.dumps(spec), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        "DJANGO_SETTINGS_MODULE": "settings",
    }
    env.pop("PYTHONSTARTUP", None)
    process = subprocess.run(
        [sys.executable, str(CHILD), str(jobs_path), str(out_path)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if process.returncode != 0 or not out_path.exists():
        raise RuntimeError(
            f"the case runner failed ({process.returncode}):\n{process.stderr}"
        )
    return json.loads(out_path.read_text(encoding="utf-8"))


def _case_run(outcome: dict[str, Any]) -> CaseRun:
    sizes = {int(n): data for n, data in outcome["sizes"].items()}
    return CaseRun(
        name=outcome["name"],
        counts={n: data["queries"] for n, data in sizes.items()},
        results={n: data["result"] for n, data in sizes.items()},
        sql={n: data["sql"] for n, data in sizes.items()},
        error=outcome["error"],
    )


# -- the case files ----------------------------------------------------------------------


def case_sources(folder: Path = CASES) -> dict[str, str]:
    """Every `pos_*.py` / `neg_*.py` case of `folder`, by name."""
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted(folder.glob("*.py"))
        if path.stem.startswith(("pos_", "neg_"))
    }


def expected_markers(source: str) -> list[tuple[int, str]]:
    """`(0-based line, code)` for every `expect:` marker of a case, view or template."""
    return sorted(
        (number, code.strip())
        for number, line in enumerate(source.splitlines())
        if (match := MARKER.search(line))
        for code in match["codes"].split(",")
    )


def golden_fix(source: str) -> str | None:
    """The case with its `# golden-fix:` replacements applied (None when it has none).

    The marker lines are dropped first; each OLD must then occur exactly once in the
    code after the module docstring.
    """
    replacements, kept = [], []
    for line in source.splitlines(keepends=True):
        match = GOLDEN.match(line)
        if match:
            # `\n` in NEW stands for a line break (e.g. to add an import line).
            replacements.append((match["old"], match["new"].replace("\\n", "\n")))
        else:
            kept.append(line)
    if not replacements:
        return None
    head, body = _split_docstring("".join(kept))
    for old, new in replacements:
        if body.count(old) != 1:
            raise ValueError(
                f"golden-fix: {old!r} occurs {body.count(old)} times, not once"
            )
        body = body.replace(old, new)
    return head + body


def _split_docstring(text: str) -> tuple[str, str]:
    """(module docstring, rest): the docstring may quote the code it describes."""
    tree = ast.parse(text)
    first = tree.body[0] if tree.body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
        return "", text
    lines = text.splitlines(keepends=True)
    cut = sum(len(line) for line in lines[: first.end_lineno])
    return text[:cut], text[cut:]
