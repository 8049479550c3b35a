"""Every rule is documented, named by the conventions, tested by fixtures, and its
generated docs page is current. The docs' Example triggers the rule; Use instead does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from djvet.core.model import Language
from djvet.core.rule import RULES, FixAvailability
from djvet.docs_gen import generate
from rules.harness import FIXTURES, all_codes, check

CODES = all_codes()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


@pytest.mark.parametrize("code", CODES)
def test_docs_have_the_required_sections(code):
    docs = RULES[code].docs or ""
    for section in SECTIONS:
        assert section in docs, f"{code} docs lack {section!r}"
    if RULES[code].fix is not FixAvailability.NEVER and "Fix safety" not in docs:
        assert "SAFE" in docs or "safe" in docs.lower(), (
            f"{code}: say why the fix is safe"
        )


@pytest.mark.parametrize("code", CODES)
def test_names_follow_the_conventions(code):
    rule = RULES[code]
    assert re.fullmatch(r"DJV[1-9]\d\d", code)
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.name)
    assert rule.module.rsplit(".", 1)[-1] == rule.name.replace("-", "_")
    assert rule.module.split(".")[2] == rule.family.slug
    assert len(rule.message) <= 100 and not rule.message.endswith(".")


def test_every_rule_has_fixtures_and_every_fixture_a_rule():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(CODES)


def _block(docs: str, section: str) -> str | None:
    match = re.search(rf"{re.escape(section)}\s*\n```(\w*)\n(.*?)```", docs, re.S)
    if not match or match.group(1) not in ("python", "py", ""):
        return None
    return match.group(2)


@pytest.mark.parametrize(
    "code", [c for c in CODES if Language.PYTHON in RULES[c].languages]
)
def test_docs_example_triggers_and_use_instead_does_not(code, tmp_path):
    docs = RULES[code].docs or ""
    example, instead = _block(docs, "## Example"), _block(docs, "## Use instead")
    if example is None or "docs-example: skip" in docs:
        pytest.skip("example is not a self-contained Python module")
    # ORM examples run in a view of the shared `library` project (Book, Author, Chapter...).
    # So do the async and Celery examples that pass or query models (DJV702, DJV703).
    where = (
        {"path": "library/views.py", "project": "library"}
        if code.startswith(("DJV1", "DJV702", "DJV703"))
        else {}
    )
    assert any(
        d.code == code for d in check(example, code, tmp_path / "bad", **where)
    ), "Example not flagged"
    if instead is not None:
        found = [
            d
            for d in check(instead, code, tmp_path / "good", **where)
            if d.code == code
        ]
        assert not found, "Use instead flagged"


def test_generated_docs_are_current():
    pages = generate()
    stale = [
        name
        for name, text in pages.items()
        if not (DOCS / name).exists()
        or (DOCS / name).read_text(encoding="utf-8") != text
    ]
    extra = [p.name for p in DOCS.glob("DJV*.md") if p.name not in pages]
    assert not stale and not extra, f"run `make docs` (stale: {stale}, extra: {extra})"
