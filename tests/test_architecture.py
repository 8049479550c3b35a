"""The core, the project knowledge, the rules and the engine never import the LSP layer
(pygls, lsprotocol, djvet.lsp); only the jedi adapter imports jedi."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "djvet"
LSP_MODULES = ("pygls", "lsprotocol", "djvet.lsp")
CORE_FILES = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if p.relative_to(PACKAGE).parts[0] in ("core", "project", "rules")
) + [PACKAGE / "engine.py", PACKAGE / "checker.py"]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_never_imports_the_lsp_layer(path):
    bad = {m for m in imported_modules(path) if m.startswith(LSP_MODULES)}
    assert not bad, f"{path.name} imports {bad}"


def test_only_the_jedi_adapter_imports_jedi():
    users = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if any(m == "jedi" or m.startswith("jedi.") for m in imported_modules(p))
    }
    assert users <= {"project/jedi_adapter.py"}, users
