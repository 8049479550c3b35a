"""Property-based robustness: real modules with random edits, truncations and deletions.

Whatever the text, checking it raises nothing, no rule crashes (the engine would log
"rule ... failed"), and every fix offered applies cleanly and parses no worse than
the text it fixes.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from djvet.core.config import Config
from djvet.core.document import Document, error_nodes, parse_python
from djvet.core.edits import apply_edits
from djvet.engine import check_document
from djvet.project.index import ProjectIndex

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [
    ROOT / "examples" / "bookshop" / "catalog" / "services.py",
    ROOT / "examples" / "bookshop" / "catalog" / "views.py",
    ROOT / "examples" / "bookshop" / "config" / "settings" / "production.py",
    ROOT / "examples" / "bookshop" / "orders" / "services.py",
]
SAMPLES = [p for p in SAMPLES if p.exists()]
PIECES = [
    "for b in Book.objects.all():\n    b.author.",
    "select_related(",
    ")",
    "]",
    "'",
    '"""',
    "\n",
    "    ",
    "DEBUG = True\n",
    "if x:\n",
    "lambda:",
    "async def f():\n    await ",
    "\\",
    "#",
    "{",
    "é😀",
]


@st.composite
def mutated(draw):
    path = draw(st.sampled_from(SAMPLES))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["insert", "delete", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
        elif action == "truncate":
            text = text[:at]
        else:
            end = min(len(text), at + draw(st.integers(1, 300)))
            text = text[:end] + text[at:end] + text[end:]
    return path, text


def _project(tmp_path: Path) -> ProjectIndex:
    root = tmp_path / "bookshop"
    if not root.exists():
        shutil.copytree(ROOT / "examples" / "bookshop", root)
    return ProjectIndex(root, Config(root=root))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=mutated())
def test_random_edits_never_crash_and_fixes_stay_sound(case, tmp_path, caplog):
    path, text = case
    project = _project(tmp_path)
    target = str(project.root / path.relative_to(ROOT / "examples" / "bookshop"))
    project.set_overlay(target, text)
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="djvet"):
        found = check_document(Document.for_path(target, text), project)
    assert not [r for r in caplog.records if "failed on" in r.getMessage()]
    before = error_nodes(parse_python(text))
    for diagnostic in found:
        if diagnostic.fix is None:
            continue
        own = [e for e in diagnostic.fix.edits if (e.path or target) == target]
        fixed = apply_edits(text, own)
        assert error_nodes(parse_python(fixed)) <= before
