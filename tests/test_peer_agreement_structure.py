"""djvet's structure rules agree with the peers on shared ground.

The fixtures of DJV301-DJV314 are djvet's own (written for djvet, covering the patterns
the peers test). On them, djvet must flag what the peer flags and stay quiet where the
peer does, except for the deliberate differences listed below — each one explained in
the rule's `## Peers` docs section.

- ruff's flake8-django rules (DJ001, DJ003, DJ008, DJ012, DJ013) run for real (ruff is
  in the venv).
- pylint-django (E5141, E5142, R5101) and Semgrep's `django-db-model-save-super` are
  not installed here; their published predicates are small, so `_pylint_django` and
  `_semgrep_save_super` below are faithful ports of them (pylint-django's
  `auth_user.py` / `json_response.py` checkers, Semgrep's
  `python/django/correctness/model-save.yaml`), compared the same way.

Lines are compared per statement: ruff reports a field at its call, djvet at the
`null=True` inside it; both name the same statement.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import parso
import pytest

from rules.harness import FIXTURES, expected_pairs

RUFF = shutil.which(
    "ruff", path=str(Path(__file__).resolve().parents[1] / ".venv" / "bin")
) or shutil.which("ruff")

# peer code -> djvet code
RUFF_PAIRS = {
    "DJ001": "DJV308",
    "DJ003": "DJV312",
    "DJ008": "DJV309",
    "DJ012": "DJV310",
    "DJ013": "DJV311",
}

# (peer code, fixture file, statement line) -> why djvet differs. "peer only": the peer
# flags it and djvet does not; "djvet only": the other way round.
DIFFERENCES: dict[tuple[str, str, int], str] = {
    # DJ001 flags a class that is not a model (ruff does not check the base class).
    ("DJ001", "DJV308/correct.py", 21): "peer only: `SupplierForm` is no model",
    # DJ008: djvet reports a concrete parent without `__str__` once, not every MTI child.
    (
        "DJ008",
        "DJV309/incorrect.py",
        31,
    ): "peer only: MTI child of `Shipment`, reported there",
    # DJ003 knows `render()` only; djvet also checks `render_to_string` and TemplateResponse.
    (
        "DJ003",
        "DJV312/incorrect.py",
        21,
    ): "djvet only: `render_to_string(..., locals())`",
    (
        "DJ003",
        "DJV312/incorrect.py",
        22,
    ): "djvet only: `TemplateResponse(..., context=locals())`",
    # DJ012 ranks `objects = models.Manager()` with the fields; djvet knows it is a manager.
    (
        "DJ012",
        "DJV310/incorrect.py",
        44,
    ): "djvet only: field after the `objects` manager",
    # E5141 flags every "auth.User" string; djvet flags relation targets only, any case.
    (
        "E5141",
        "DJV302/incorrect.py",
        7,
    ): "djvet only: `User` class as target (E5142 flags its import)",
    ("E5141", "DJV302/incorrect.py", 17): "djvet only: `auth_models.User` as target",
    (
        "E5141",
        "DJV302/incorrect.py",
        18,
    ): "djvet only: `'AUTH.user'` (Django reads labels case-insensitively)",
    ("E5141", "DJV302/correct.py", 16): "peer only: a default value, not a relation",
    ("E5141", "DJV302/correct.py", 22): "peer only: `apps.get_model(...)` is no field",
    # R5101 matches the text `json.dumps` as the first positional argument; djvet
    # resolves imports and reads `content=`.
    (
        "R5101",
        "DJV314/incorrect.py",
        18,
    ): "djvet only: `dumps(...)` imported from `json`",
    ("R5101", "DJV314/incorrect.py", 23): "djvet only: `content=json.dumps(...)`",
    # E5142 flags `User` imports under `if TYPE_CHECKING:` too (they never run).
    ("E5142", "DJV301/correct.py", 11): "peer only: import under `if TYPE_CHECKING:`",
    # Semgrep's pattern accepts `super().save` only; djvet also a parent call, a raising
    # override and a helper that calls super().save().
    (
        "save-super",
        "DJV313/correct.py",
        40,
    ): "peer only: a read-only model's `save()` only raises",
    (
        "save-super",
        "DJV313/correct.py",
        51,
    ): "peer only: delegates to `_save_versioned`",
}


def _statement_line(module: parso.python.tree.Module, line: int) -> int:
    """The first line of the statement holding `line` (class/def: its name's line)."""
    text = module.get_code().splitlines()[line - 1]
    leaf = module.get_leaf_for_position((line, len(text) - len(text.lstrip())))
    node = leaf
    while node is not None:
        if node.type in ("classdef", "funcdef"):
            return node.name.start_pos[0]
        if node.type in (
            "expr_stmt",
            "return_stmt",
            "decorator",
            "import_from",
            "import_name",
        ):
            return node.start_pos[0]
        node = node.parent
    return line


def _djvet_lines(relative: str, code: str) -> set[int]:
    """Lines djvet flags: the fixture's `# error:` markers, which `test_fixtures.py`
    proves are exactly djvet's findings (and `correct.py` has none)."""
    source = (FIXTURES / relative).read_text()
    module = parso.parse(source)
    return {
        _statement_line(module, line + 1)
        for line, marked in expected_pairs(source)
        if marked == code
    }


def _normalised(relative: str, lines: set[int]) -> set[int]:
    module = parso.parse((FIXTURES / relative).read_text())
    return {_statement_line(module, line) for line in lines}


def _check(peer: str, djvet: str, relative: str, peer_lines: set[int]) -> None:
    ours = _djvet_lines(relative, djvet)
    theirs = _normalised(relative, peer_lines)
    documented = {
        line for (code, file, line) in DIFFERENCES if code == peer and file == relative
    }
    assert (theirs ^ ours) == documented, (
        f"{peer} vs {djvet} on {relative}: peer only {sorted(theirs - ours)}, "
        f"djvet only {sorted(ours - theirs)}, documented {sorted(documented)}"
    )


# -- ruff --------------------------------------------------------------------------
@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
@pytest.mark.parametrize("peer", sorted(RUFF_PAIRS))
@pytest.mark.parametrize("stem", ["incorrect.py", "correct.py"])
def test_ruff_agrees(peer: str, stem: str) -> None:
    djvet = RUFF_PAIRS[peer]
    relative = f"{djvet}/{stem}"
    result = subprocess.run(
        [
            RUFF,
            "check",
            "--isolated",
            "--select",
            peer,
            "--output-format",
            "json",
            "--exit-zero",
            str(FIXTURES / relative),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = {
        item["location"]["row"]
        for item in json.loads(result.stdout)
        if item["code"] == peer
    }
    if stem == "incorrect.py":
        assert lines, (
            f"{peer} finds nothing in {relative}: the fixture does not cover its pattern"
        )
    _check(peer, djvet, relative, lines)


# -- pylint-django (ported predicates) ----------------------------------------------
def _pylint_django(source: str) -> dict[str, set[int]]:
    """pylint-django's AuthUserChecker and JsonResponseChecker, on `ast` instead of astroid."""
    found: dict[str, set[int]] = {"E5141": set(), "E5142": set(), "R5101": set()}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value == "auth.User":
            found["E5141"].add(node.lineno)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "django.contrib.auth.models"
            and any(alias.name in ("*", "User") for alias in node.names)
        ):
            found["E5142"].add(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).endswith("HttpResponse")
            and node.args
            and isinstance(node.args[0], ast.Call)
            and ast.unparse(node.args[0].func) == "json.dumps"
        ):
            found["R5101"].add(node.lineno)
    return found


@pytest.mark.parametrize(
    ("peer", "djvet"), [("E5142", "DJV301"), ("E5141", "DJV302"), ("R5101", "DJV314")]
)
@pytest.mark.parametrize("stem", ["incorrect.py", "correct.py"])
def test_pylint_django_agrees(peer: str, djvet: str, stem: str) -> None:
    relative = f"{djvet}/{stem}"
    lines = _pylint_django((FIXTURES / relative).read_text())[peer]
    _check(peer, djvet, relative, lines)


# -- Semgrep (ported pattern) -------------------------------------------------------
def _semgrep_save_super(source: str) -> set[int]:
    """`django-db-model-save-super`: a `save` method of a `class X(models.Model)` whose
    body has no `super(X, self).save(...)` / `super().save(...)` call."""
    flagged: set[int] = set()
    for cls in ast.walk(ast.parse(source)):
        if not isinstance(cls, ast.ClassDef) or not any(
            ast.unparse(b) == "models.Model" for b in cls.bases
        ):
            continue
        for item in cls.body:
            if (
                isinstance(item, ast.FunctionDef)
                and item.name == "save"
                and not any(
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "save"
                    and isinstance(call.func.value, ast.Call)
                    and ast.unparse(call.func.value.func) == "super"
                    for call in ast.walk(item)
                )
            ):
                flagged.add(item.lineno)
    return flagged


@pytest.mark.parametrize("stem", ["incorrect.py", "correct.py"])
def test_semgrep_save_super_agrees(stem: str) -> None:
    relative = f"DJV313/{stem}"
    _check(
        "save-super",
        "DJV313",
        relative,
        _semgrep_save_super((FIXTURES / relative).read_text()),
    )


def test_every_difference_is_explained_in_the_rule_docs() -> None:
    from djvet.core.rule import RULES, discover

    discover()
    codes = {file.split("/")[0] for (_, file, _) in DIFFERENCES}
    for code in codes:
        assert "## Peers" in (RULES[code].docs or ""), (
            f"{code} documents no peer differences"
        )
