"""The fixes of the ORM rules DJV111-DJV123 checked against Django itself.

Each case in `equivalence/` runs in the ground-truth project (`../djangoproject`,
SQLite, 2 and 5 rows, see README.md) before and after djvet's fixes (unsafe ones
included, through `djvet.checker._fix_file`, as `djvet check --fix --unsafe-fixes`):

- djvet reports exactly the case's `# expect:` markers;
- the fix edits the case and nothing else;
- the fixed code returns the same data as the original and never issues more queries;
- each case's `# claim:` holds: `fewer` (fewer queries at 5 rows), `constant` (the
  fixed count does not grow with the rows), `sql-has "X"` / `sql-lacks "X"` (in the
  fixed run's SQL, not in / in the original's), `fixes-error E` (the original raises
  `E`, the fixed code runs), `keeps-concurrent-update N` (the original loses an update
  of N made between its read and its save; the fixed code keeps it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from n1.djvet_bridge import finding_pairs, fix, project_index, registered
from n1.runner import (
    CaseRun,
    case_sources,
    copy_project,
    expected_markers,
    install_cases,
    run_cases,
)

HERE = Path(__file__).resolve().parent
CASES = case_sources(HERE / "equivalence")
CODES = registered(tuple(f"DJV{n}" for n in range(111, 124)))
CLAIM = re.compile(r'^# claim: (?P<kind>[\w-]+)(?: "?(?P<value>.*?)"?)?$', re.M)

pytestmark = pytest.mark.skipif(not CODES, reason="the ORM family is not registered")


def claims(source: str) -> list[tuple[str, str]]:
    return [(m["kind"], m["value"] or "") for m in CLAIM.finditer(source)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    """(original runs, fixed runs, {case: files its fixes edited}, fixed texts)."""
    project_dir = copy_project(tmp_path_factory.mktemp("equivalence"))
    paths = install_cases(project_dir, CASES)
    project = project_index(project_dir, CODES)
    edited = {name: sorted(fix(project, paths[name])) for name in CASES}
    texts = {name: paths[name].read_text(encoding="utf-8") for name in CASES}
    return run_cases(CASES), run_cases(texts, project_dir), edited, paths, texts


@pytest.mark.parametrize("name", sorted(CASES))
def test_findings_match_markers(tmp_path: Path, name: str) -> None:
    project_dir = copy_project(tmp_path)
    paths = install_cases(project_dir, {name: CASES[name]})
    found = finding_pairs(project_index(project_dir, CODES), paths[name], CODES)
    assert found == expected_markers(CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_returns_the_same_data_with_no_more_queries(runs, name: str) -> None:
    originals, fixed, edited, paths, texts = runs
    assert edited[name] == [str(paths[name])], f"fixes edited {edited[name]}"
    assert texts[name] != CASES[name]
    before, after = originals[name], fixed[name]
    assert after.error is None, after.describe()
    kinds = dict(claims(CASES[name]))
    if "fixes-error" in kinds:
        assert before.error and kinds["fixes-error"] in before.error
        return
    assert before.error is None, before.describe()
    if "keeps-concurrent-update" not in kinds:
        assert after.results == before.results
    for size in before.counts:
        assert after.counts[size] <= before.counts[size], (
            before.describe(),
            after.describe(),
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_claims(runs, name: str) -> None:
    originals, fixed, *_ = runs
    before, after = originals[name], fixed[name]
    for kind, value in claims(CASES[name]):
        _check_claim(kind, value, before, after)


def _check_claim(kind: str, value: str, before: CaseRun, after: CaseRun) -> None:
    largest = max(after.counts)
    if kind == "fewer":
        assert after.counts[largest] < before.counts[largest], (
            before.describe(),
            after.describe(),
        )
    elif kind == "constant":
        assert after.constant and not before.constant, (
            before.describe(),
            after.describe(),
        )
    elif kind in ("sql-has", "sql-lacks"):
        old, new = (" ".join(run.sql[largest]) for run in (before, after))
        present = (value in new, value in old)
        assert present == ((True, False) if kind == "sql-has" else (False, True)), (
            old,
            new,
        )
    elif kind == "keeps-concurrent-update":
        amount = int(value)
        for size in before.results:
            assert after.results[size] == before.results[size] + amount
    elif kind != "fixes-error":
        raise AssertionError(f"unknown claim {kind!r}")
