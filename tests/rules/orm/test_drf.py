"""DJV106 (DRF serializers): runtime proof and edge cases.

The runtime cases in `tests/rules/fixtures/DJV106/runtime/` define serializers and
views over the N+1 ground-truth project (`tests/djangoproject`) and serialize a view's
response at 2 and 5 rows. Each positive case grows with the rows, djvet reports exactly
its `# expect: DJV106` markers, and djvet's fix (unsafe ones included) makes the count
constant without changing the response. Negative cases are constant and clean.
"""

from __future__ import annotations

import pytest

from n1.djvet_bridge import finding_pairs, fix, project_index
from n1.runner import (
    case_sources,
    copy_project,
    expected_markers,
    install_cases,
    run_cases,
)
from rules.harness import FIXTURES

pytest.importorskip("rest_framework")

CODES = ("DJV106",)
RUNTIME = case_sources(FIXTURES / "DJV106" / "runtime")
POSITIVE = sorted(name for name in RUNTIME if name.startswith("pos_"))
NEGATIVE = sorted(name for name in RUNTIME if name.startswith("neg_"))


@pytest.fixture(scope="module")
def proof(tmp_path_factory: pytest.TempPathFactory):
    """(findings, original runs, fixed runs, edited files) for every runtime case."""
    project_dir = copy_project(tmp_path_factory.mktemp("drf"))
    paths = install_cases(project_dir, RUNTIME)
    project = project_index(project_dir, CODES)
    found = {name: finding_pairs(project, paths[name], CODES) for name in RUNTIME}
    edited = {name: sorted(fix(project, paths[name])) for name in POSITIVE}
    fixed = {name: paths[name].read_text(encoding="utf-8") for name in POSITIVE}
    return found, run_cases(RUNTIME), run_cases(fixed), edited, paths


@pytest.mark.parametrize("name", sorted(RUNTIME))
def test_findings_match_markers(proof, name: str) -> None:
    found = proof[0][name]
    assert found == expected_markers(RUNTIME[name])


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_case_grows_and_the_fix_makes_it_constant(proof, name: str) -> None:
    _, originals, fixed, edited, paths = proof
    original = originals[name]
    assert original.error is None, original.describe()
    assert original.grows, original.describe()
    assert edited[name] == [str(paths[name])], f"fixes edited {edited[name]}"
    run = fixed[name]
    assert run.error is None, run.describe()
    assert run.constant, run.describe()
    assert run.results == original.results


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_case_is_constant(proof, name: str) -> None:
    run = proof[1][name]
    assert run.error is None, run.describe()
    assert run.constant, run.describe()
