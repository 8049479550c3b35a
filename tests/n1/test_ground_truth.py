"""Runtime ground truth of the N+1 cases (no djvet involved).

Every `pos_*` case makes more queries at 5 rows than at 2; every `neg_*` case makes the
same number. A `# golden-fix:` (the hand-written fix of a positive case) makes the count
constant and returns the same result. All cases and golden fixes run in one process.
"""

from __future__ import annotations

import pytest

from n1.runner import CaseRun, case_sources, expected_markers, golden_fix, run_cases

CASES = case_sources()
POSITIVE = sorted(name for name in CASES if name.startswith("pos_"))
NEGATIVE = sorted(name for name in CASES if name.startswith("neg_"))


def _golden_fixes() -> tuple[dict[str, str], dict[str, str]]:
    fixes, problems = {}, {}
    for name in POSITIVE:
        try:
            fixed = golden_fix(CASES[name])
        except (ValueError, SyntaxError) as error:
            problems[name] = str(error)
            continue
        if fixed is not None:
            fixes[name] = fixed
    return fixes, problems


GOLDEN, GOLDEN_PROBLEMS = _golden_fixes()
N1_CODES = {"DJV101", "DJV102", "DJV103", "DJV104", "DJV108", "DJV109"}

# Fixes djvet must never produce: each raises at run time (Django 5.2).
_INVALID_BODIES = {
    # A prefetch on `.iterator()` needs `chunk_size`.
    "iterator_prefetch_no_chunk_size": (
        "[a.name for a in Author.objects.prefetch_related('books').iterator()]",
        "ValueError: chunk_size must be provided when using QuerySet.iterator() after",
    ),
    "values_then_select_related": (
        "list(Book.objects.values('title').select_related('author'))",
        "TypeError: Cannot call select_related() after .values() or .values_list()",
    ),
    "string_and_prefetch_for_one_lookup": (
        "list(Book.objects.prefetch_related("
        "'chapters', Prefetch('chapters', queryset=Chapter.objects.all())))",
        "ValueError: 'chapters' lookup was already seen with a different queryset",
    ),
    "select_related_reverse_fk": (
        "list(Book.objects.select_related('chapters'))",
        "FieldError: Invalid field name(s) given in select_related: 'chapters'",
    ),
    "prefetch_unknown_name": (
        "[b.title for b in Book.objects.prefetch_related('chapter')]",
        "AttributeError: Cannot find 'chapter' on Book object",
    ),
    # `recent()` is on the manager only, not on the queryset `select_related` returns.
    "queryset_method_before_manager_only_method": (
        "list(Book.objects.select_related('author').recent())",
        "AttributeError: 'BookQuerySet' object has no attribute 'recent'",
    ),
}
INVALID = {
    f"invalid_{name}": (
        "from __future__ import annotations\n\n"
        "from django.db.models import Prefetch\n\n"
        "from library.models import Author, Book, Chapter\n\n\n"
        f"def run():\n    return {body}\n",
        message,
    )
    for name, (body, message) in _INVALID_BODIES.items()
}


def _golden_name(name: str) -> str:
    return f"{name}__golden"


@pytest.fixture(scope="module")
def runs() -> dict[str, CaseRun]:
    batch = dict(CASES)
    batch.update({_golden_name(name): fixed for name, fixed in GOLDEN.items()})
    batch.update({name: source for name, (source, _) in INVALID.items()})
    return run_cases(batch)


def _ok(run: CaseRun) -> CaseRun:
    assert run.error is None, run.describe()
    return run


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_case_grows_with_rows(runs: dict[str, CaseRun], name: str) -> None:
    run = _ok(runs[name])
    assert run.grows, run.describe()
    assert run.results[2] != run.results[5], "the result should reflect the rows"


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_case_is_constant(runs: dict[str, CaseRun], name: str) -> None:
    run = _ok(runs[name])
    assert run.constant, run.describe()
    assert run.results[2] != run.results[5] or name == "neg_single_instance"


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_fix_is_constant_and_keeps_the_result(
    runs: dict[str, CaseRun], name: str
) -> None:
    original, fixed = _ok(runs[name]), _ok(runs[_golden_name(name)])
    assert fixed.constant, fixed.describe()
    assert fixed.results == original.results


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_fix_raises(runs: dict[str, CaseRun], name: str) -> None:
    error = runs[name].error
    assert error is not None and INVALID[name][1] in error, error


def test_every_positive_case_has_a_golden_fix() -> None:
    assert GOLDEN_PROBLEMS == {}
    assert sorted(GOLDEN) == POSITIVE


@pytest.mark.parametrize("name", sorted(CASES))
def test_markers(name: str) -> None:
    markers = expected_markers(CASES[name])
    assert {code for _, code in markers} <= N1_CODES
    if name.startswith("pos_"):
        assert markers, "a positive case marks where djvet must report"
    else:
        assert markers == [], "a negative case has no findings"
