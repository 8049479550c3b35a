"""DJV220's fix proven in the ground-truth Django project (SQLite), case by case.

Every case in `sqlcases/` runs a query built from a value three times: with a benign
value, a neutral one (matches nothing) and an injection payload. Before the fix the
payload changes the result; after djvet's fix (`--fix --unsafe-fixes`, through
`_fix_file`) the benign rows are unchanged and the payload is only data again: it returns
what the neutral value returns. See `sqlcases/README.md`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from n1.djvet_bridge import finding_pairs, fix, project_index, registered
from n1.runner import copy_project, expected_markers, install_cases, run_cases

CODE = ("DJV220",)
FOLDER = Path(__file__).parent / "sqlcases"
CASES = {p.stem: p.read_text(encoding="utf-8") for p in sorted(FOLDER.glob("*.py"))}
FIXABLE = sorted(name for name in CASES if name.startswith("pos_"))
KEPT = sorted(name for name in CASES if name.startswith("keep_"))

pytestmark = pytest.mark.skipif(not registered(CODE), reason="DJV220 is not registered")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    """Findings, the original runs, the fixed texts and the fixed runs, in one copy."""
    project_dir = copy_project(tmp_path_factory.mktemp("sql"))
    paths = install_cases(project_dir, CASES)
    project = project_index(project_dir, CODE)
    findings = {name: finding_pairs(project, paths[name], CODE) for name in CASES}
    originals = run_cases(CASES)
    edited = {name: sorted(fix(project, paths[name])) for name in CASES}
    texts = {name: paths[name].read_text(encoding="utf-8") for name in CASES}
    fixed = run_cases({name: texts[name] for name in FIXABLE}, project_dir)
    return findings, originals, edited, texts, fixed, paths


def test_there_are_cases() -> None:
    assert len(FIXABLE) >= 10 and KEPT


@pytest.mark.parametrize("name", sorted(CASES))
def test_djvet_reports_the_marked_lines(runs, name: str) -> None:
    findings = runs[0]
    assert findings[name] == expected_markers(CASES[name]) != []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_injection_works_on_the_original(runs, name: str) -> None:
    original = runs[1][name]
    assert original.error is None, original.describe()
    for size, result in original.results.items():
        assert result["benign"] and result["benign"] != result["neutral"], size
        assert result["payload"] != result["neutral"], (
            f"n={size}: the payload changes nothing"
        )


@pytest.mark.parametrize("name", FIXABLE)
def test_the_fix_keeps_rows_and_stops_the_injection(runs, name: str) -> None:
    _, originals, edited, texts, fixed, paths = runs
    assert edited[name] == [str(paths[name])], "the fix must edit the case itself"
    assert texts[name] != CASES[name]
    run = fixed[name]
    assert run.error is None, f"{run.describe()}\n{texts[name]}"
    for size, result in run.results.items():
        assert result["benign"] == originals[name].results[size]["benign"], size
        assert result["payload"] == result["neutral"], (
            f"n={size}: the payload still acts"
        )


@pytest.mark.parametrize("name", FIXABLE)
def test_the_fixed_case_is_clean(tmp_path: Path, name: str, runs) -> None:
    texts = runs[3]
    project_dir = copy_project(tmp_path)
    paths = install_cases(project_dir, {name: texts[name]})
    assert finding_pairs(project_index(project_dir, CODE), paths[name], CODE) == []


@pytest.mark.parametrize("name", KEPT)
def test_display_only_cases_keep_their_text(runs, name: str) -> None:
    _, _, edited, texts, _, _ = runs
    assert edited[name] == [] and texts[name] == CASES[name]
