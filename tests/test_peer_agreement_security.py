"""djvet's security rules against their peers on shared ground.

Each `tests/rules/fixtures/<CODE>/peers.py` rewrites the patterns of the peers' rules
(ruff S308/S608/S610/S611/DJ006/DJ007, pylint-django W5104/W5150/W5151, Semgrep's Django
rules) with trailing `# peers:` annotations: `ruff=`, `pylint=`, `semgrep=` name the
peer rules that flag the line, `ok=` the peers whose documented negative examples it
follows, `djvet=` djvet's own verdict and `differs=<key>` a deliberate difference,
explained under that key in the rule's "Compared with other checkers" docs.

Checked here: ruff's real output equals the `ruff=` annotations (ruff runs on the same
files); djvet's findings equal the `djvet=` annotations; every line a peer flags is
flagged by djvet and no peer negative is, unless the line says how djvet differs; and
every difference is documented. pylint-django and Semgrep are not installed: their
annotations follow their documentation and test files (see each `peers.py`), and the
fixtures `incorrect.py` / `correct.py` are run through ruff too, so ruff's view of them
is recorded in `RUFF_ON_FIXTURES`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from djvet.core.rule import RULES
from rules.harness import FIXTURES, all_codes, lint_fixture

RUFF_CODES = {
    "DJV220": ("S608", "S610", "S611"),
    "DJV221": ("S610",),
    "DJV222": ("S308",),
    "DJV232": ("DJ007",),
    "DJV233": ("DJ006",),
}
PEER_CODES = (
    "DJV220",
    "DJV221",
    "DJV222",
    "DJV223",
    "DJV224",
    "DJV225",
    "DJV231",
    "DJV232",
    "DJV233",
    "DJV234",
)
ANNOTATION = re.compile(r"#\s*peers:\s*(?P<body>.*)$")
RUFF = [sys.executable, "-m", "ruff"]
# Lines of incorrect.py / correct.py that ruff flags and djvet does not (or the reverse),
# with the documented reason: the fixtures are djvet's, so differences there are expected.
RUFF_ON_FIXTURES = {
    # constants, numbers, db_table/quote_name identifiers, placeholder runs, compiled SQL
    ("DJV220", "correct.py"): "trusted-parts",
    # S608 misses `+=` fragments and clauses without a leading SQL keyword
    ("DJV220", "incorrect.py"): "sink-only",
    ("DJV221", "incorrect.py"): "legacy-api",
    ("DJV222", "incorrect.py"): "safestring",
    ("DJV222", "correct.py"): "traced-data",
    ("DJV232", "incorrect.py"): "more-classes",
    ("DJV233", "incorrect.py"): "more-classes",
}


def _annotations(path: Path) -> dict[int, dict[str, set[str]]]:
    """0-based line -> {"ruff": {...}, "pylint": ..., "semgrep": ..., "ok": ..., "djvet": ...,
    "differs": ...}."""
    found: dict[int, dict[str, set[str]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        match = ANNOTATION.search(line)
        if not match:
            continue
        fields: dict[str, set[str]] = {}
        for token in match["body"].split():
            key, _, value = token.partition("=")
            fields[key] = {v for v in value.split(",") if v and v != "-"}
        found[number] = fields
    return found


def _ruff(path: Path, codes: tuple[str, ...]) -> dict[int, set[str]]:
    process = subprocess.run(
        [
            *RUFF,
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            ",".join(codes),
            "--output-format",
            "json",
            "--exit-zero",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines: dict[int, set[str]] = {}
    for item in json.loads(process.stdout):
        lines.setdefault(item["location"]["row"] - 1, set()).add(item["code"])
    return lines


def _djvet(code: str, tmp_path: Path, stem: str) -> set[int]:
    _, found = lint_fixture(code, stem, tmp_path)
    return {d.span.start_line for d in found if d.code == code}


def _docs_keys(code: str) -> set[str]:
    docs = RULES[code].docs or ""
    section = docs.split("## Compared with other checkers", 1)
    assert len(section) == 2, (
        f"{code} docs lack a 'Compared with other checkers' section"
    )
    body = section[1].split("\n## ", 1)[0]
    return set(re.findall(r"\(`([a-z-]+)`\)", body))


all_codes()


@pytest.mark.parametrize("code", PEER_CODES)
def test_ruff_output_is_what_the_annotations_say(code):
    codes = RUFF_CODES.get(code)
    if codes is None:
        pytest.skip("no ruff rule covers this pattern")
    path = FIXTURES / code / "peers.py"
    annotated = {
        line: fields.get("ruff", set())
        for line, fields in _annotations(path).items()
        if fields.get("ruff")
    }
    assert _ruff(path, codes) == annotated


@pytest.mark.parametrize("code", PEER_CODES)
def test_djvet_output_is_what_the_annotations_say(code, tmp_path):
    path = FIXTURES / code / "peers.py"
    annotated = {
        line
        for line, fields in _annotations(path).items()
        if code in fields.get("djvet", ())
    }
    assert _djvet(code, tmp_path, "peers") == annotated


@pytest.mark.parametrize("code", PEER_CODES)
def test_djvet_agrees_with_the_peers_or_says_why_not(code):
    path = FIXTURES / code / "peers.py"
    documented = _docs_keys(code)
    for line, fields in _annotations(path).items():
        flagged = code in fields.get("djvet", ())
        positive = (
            fields.get("ruff", set())
            | fields.get("pylint", set())
            | fields.get("semgrep", set())
        )
        negative = fields.get("ok", set())
        differs = fields.get("differs", set())
        disagrees = (positive and not flagged) or (negative and flagged)
        assert bool(disagrees) == bool(differs), f"{code} peers.py:{line + 1}: {fields}"
        assert differs <= documented, (
            f"{code}: document {sorted(differs - documented)} in the docs"
        )


@pytest.mark.parametrize(
    ("code", "stem"),
    sorted(RUFF_ON_FIXTURES)
    + [
        (code, stem)
        for code in RUFF_CODES
        for stem in ("incorrect", "correct")
        if (code, f"{stem}.py") not in RUFF_ON_FIXTURES
    ],
)
def test_ruff_on_the_rule_fixtures(code, stem, tmp_path):
    """Where ruff and djvet part on djvet's own fixtures, the reason is documented."""
    stem = stem.removesuffix(".py")
    path = FIXTURES / code / f"{stem}.py"
    ruff_lines = set(_ruff(path, RUFF_CODES[code]))
    djvet_lines = _djvet(code, tmp_path, stem)
    reason = RUFF_ON_FIXTURES.get((code, f"{stem}.py"))
    if reason is None:
        assert ruff_lines == djvet_lines
    else:
        assert ruff_lines != djvet_lines, (
            f"{code} {stem}.py: ruff agrees now; drop the entry"
        )
        assert reason in _docs_keys(code)


def test_every_peer_fixture_is_checked():
    assert {p.parent.name for p in FIXTURES.glob("DJV2*/peers.py")} == set(PEER_CODES)
