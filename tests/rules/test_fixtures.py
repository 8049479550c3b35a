"""Every rule's fixture folder: incorrect examples flagged exactly, correct ones clean,
fixes equal to the golden file."""

from __future__ import annotations

import pytest

from djvet.core.document import count_syntax_errors
from rules.harness import (
    all_codes,
    expected_pairs,
    fix_fixture,
    fixture_file,
    lint_fixture,
)

CODES = all_codes()


@pytest.mark.parametrize("code", CODES)
def test_incorrect_example_is_flagged_exactly(code, tmp_path):
    source, found = lint_fixture(code, "incorrect", tmp_path)
    expected = expected_pairs(source)
    assert expected, f"{code}: incorrect fixture has no `error: {code}` markers"
    assert sorted((d.span.start_line, d.code) for d in found) == expected


@pytest.mark.parametrize("code", CODES)
def test_correct_example_is_clean(code, tmp_path):
    _, found = lint_fixture(code, "correct", tmp_path)
    assert [(d.span.start_line + 1, d.message) for d in found] == []


@pytest.mark.parametrize("code", [c for c in CODES if fixture_file(c, "fixed")])
def test_fix_produces_golden_file(code, tmp_path):
    golden = fixture_file(code, "fixed").read_text(encoding="utf-8")
    if fixture_file(code, "fixed").suffix == ".py":
        assert count_syntax_errors(golden) == 0
    assert fix_fixture(code, tmp_path) == golden
