"""djvet against the runtime ground truth (active once the N+1 rules are registered).

- Findings: djvet reports exactly the `# expect:` markers of each case (for the codes
  it has rules for), and nothing on negative cases.
- Fixes: djvet's fixes (unsafe ones included, through `_fix_file`, as `--fix
  --unsafe-fixes` does) make every positive case's query count constant without
  changing its result. Display-only codes (DJV104, DJV108) must leave the text alone.
- Views and admin: the same for DJV105/DJV107 on `library/views.py`, `library/admin.py`.

Cases djvet is known to miss go in `KNOWN_GAPS` with the reason (they then xfail).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from n1.djvet_bridge import VIEW_CODES, finding_pairs, fix, project_index, registered
from n1.runner import (
    PROJECT,
    CaseRun,
    case_sources,
    copy_project,
    expected_markers,
    install_cases,
    run_cases,
    run_views,
)
from n1.test_ground_truth_views import NEGATIVE, VIEWS
from n1.test_ground_truth_views import POSITIVE as SLOW_PAGES

CASES = case_sources()
POSITIVE = sorted(name for name in CASES if name.startswith("pos_"))
CODES = registered()
DISPLAY_ONLY = {"DJV104", "DJV108"}
KNOWN_GAPS: dict[str, str] = {}
FAST_PAGES = [job for job in NEGATIVE if not job.login]

pytestmark = pytest.mark.skipif(not CODES, reason="djvet has no N+1 rule yet")


def _gap(name: str) -> None:
    if name in KNOWN_GAPS:
        pytest.xfail(KNOWN_GAPS[name])


def _expected(source: str, codes: tuple[str, ...]) -> list[tuple[int, str]]:
    return [(line, code) for line, code in expected_markers(source) if code in codes]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory):
    project_dir = copy_project(tmp_path_factory.mktemp("checked"))
    return project_index(project_dir, CODES), install_cases(project_dir, CASES)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory):
    """(original runs, fixed runs, {case: files its fixes edited}) in one shared copy."""
    project_dir = copy_project(tmp_path_factory.mktemp("fixed"))
    paths = install_cases(project_dir, CASES)
    project = project_index(project_dir, CODES)
    edited = {name: sorted(fix(project, paths[name])) for name in POSITIVE}
    texts = {name: paths[name].read_text(encoding="utf-8") for name in POSITIVE}
    originals = run_cases({name: CASES[name] for name in POSITIVE})
    return originals, run_cases(texts, project_dir), edited, paths


@pytest.mark.parametrize("name", sorted(CASES))
def test_findings_match_markers(checked, name: str) -> None:
    _gap(name)
    project, paths = checked
    assert finding_pairs(project, paths[name], CODES) == _expected(CASES[name], CODES)


@pytest.mark.parametrize("name", POSITIVE)
def test_fix_makes_the_count_constant(fixed, name: str) -> None:
    _gap(name)
    originals, runs, edited, paths = fixed
    codes = {code for _, code in _expected(CASES[name], CODES)}
    if not codes:
        pytest.skip("no rule for this case's codes yet")
    if codes <= DISPLAY_ONLY:
        assert edited[name] == [], "display-only findings must not be applied"
        return
    assert edited[name] == [str(paths[name])], f"fixes edited {edited[name]}"
    run: CaseRun = runs[name]
    assert run.error is None, run.describe()
    assert run.constant, run.describe()
    assert run.results == originals[name].results


@pytest.mark.skipif(not registered(VIEW_CODES), reason="no template/admin rule yet")
def test_view_and_admin_fixes(tmp_path: Path) -> None:
    codes = registered(VIEW_CODES)
    project_dir = copy_project(tmp_path)
    project = project_index(project_dir, codes)
    files = [project_dir / "library/views.py"]  # admin.py: see the DJV107 tests below
    for path in files:
        expected = _expected(path.read_text(encoding="utf-8"), codes)
        assert finding_pairs(project, path, codes) == expected, path.name
        fix(project, path)
    # Template pages need DJV105: check them when djvet has it.
    pages = [p for p in SLOW_PAGES if not p.login and "DJV105" in codes]
    before, after = run_views(pages), run_views(pages, project_dir)
    for page in pages:
        assert after[page.name].constant, after[page.name].describe()
        assert after[page.name].results == before[page.name].results, page.name


# -- templates (DJV105): findings in the templates, fixes applied from the template side --
TEMPLATES = sorted(str(p.relative_to(PROJECT)) for p in PROJECT.rglob("*.html"))
TEMPLATE_PAGES = [job for job in SLOW_PAGES if not job.login]
needs_djv105 = pytest.mark.skipif(
    "DJV105" not in registered(VIEW_CODES), reason="no DJV105 yet"
)


@pytest.fixture(scope="module")
def template_project(tmp_path_factory: pytest.TempPathFactory):
    return project_index(
        copy_project(tmp_path_factory.mktemp("templates")), ("DJV105",)
    )


@needs_djv105
@pytest.mark.parametrize("template", TEMPLATES)
def test_template_findings_match_markers(template_project, template: str) -> None:
    project = template_project
    path = Path(project.root) / template
    expected = _expected(path.read_text(encoding="utf-8"), ("DJV105",))
    assert finding_pairs(project, path, ("DJV105",)) == expected


@needs_djv105
def test_template_fixes_edit_the_views(tmp_path: Path) -> None:
    """Fixing each template (a multi-file fix of `library/views.py`) makes every template
    page constant, keeps what it shows, and leaves the templates clean."""
    project_dir = copy_project(tmp_path)
    project = project_index(project_dir, ("DJV105",))
    views = project_dir / VIEWS
    for template in TEMPLATES:
        edited = fix(project, project_dir / template)
        assert set(edited) <= {str(views)}, f"{template}: fixes edited {sorted(edited)}"
        assert finding_pairs(project, project_dir / template, ("DJV105",)) == []
    assert finding_pairs(project, views, ("DJV105",)) == []
    before, after = (
        run_views(TEMPLATE_PAGES + FAST_PAGES),
        run_views(TEMPLATE_PAGES + FAST_PAGES, project_dir),
    )
    for page in TEMPLATE_PAGES + FAST_PAGES:
        assert after[page.name].error is None, after[page.name].describe()
        assert after[page.name].constant, after[page.name].describe()
        assert after[page.name].results == before[page.name].results, page.name


# -- admin changelists (DJV107): `list_display` entries, fixes in `library/admin.py` -----
ADMIN = "library/admin.py"
ADMIN_PAGES = [job for job in SLOW_PAGES if job.login]
ADMIN_NEGATIVE = [job for job in NEGATIVE if job.login]
needs_djv107 = pytest.mark.skipif(
    "DJV107" not in registered(VIEW_CODES), reason="no DJV107 yet"
)


def _lines(pairs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    # One marker per `list_display` line; several entries of one line may be flagged.
    return sorted(set(pairs))


@needs_djv107
def test_admin_findings_match_markers(tmp_path: Path) -> None:
    project = project_index(copy_project(tmp_path), ("DJV107",))
    path = Path(project.root) / ADMIN
    expected = _expected(path.read_text(encoding="utf-8"), ("DJV107",))
    assert _lines(finding_pairs(project, path, ("DJV107",))) == expected


@needs_djv107
def test_admin_fixes_make_every_changelist_constant(tmp_path: Path) -> None:
    """djvet's fixes of `admin.py` (`list_select_related`, `get_queryset` overrides) make
    every slow changelist constant at 2 and 5 rows, keep what it shows, leave the file
    clean, and keep the negative changelists constant."""
    project_dir = copy_project(tmp_path)
    project = project_index(project_dir, ("DJV107",))
    edited = fix(project, project_dir / ADMIN)
    assert set(edited) == {str(project_dir / ADMIN)}
    assert finding_pairs(project, project_dir / ADMIN, ("DJV107",)) == []
    pages = ADMIN_PAGES + ADMIN_NEGATIVE
    before, after = run_views(pages), run_views(pages, project_dir)
    for page in ADMIN_PAGES:
        assert before[page.name].grows, before[page.name].describe()
    for page in pages:
        assert after[page.name].error is None, after[page.name].describe()
        assert after[page.name].constant, after[page.name].describe()
        assert after[page.name].results == before[page.name].results, page.name
