"""Incremental analysis of open buffers gives exactly what a fresh analysis gives.

Open buffers are re-parsed with parso's diff parser, which updates the previous tree
in place; project-wide facts reuse each unchanged file's part. Both are only worth
having if nothing differs from starting afresh: these tests type a sequence of random
edits into real modules and compare every version's findings with a fresh check.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from djvet.core.config import Config
from djvet.core.document import Document, forget_incremental, parse_python
from djvet.engine import check_document
from djvet.project import index as index_module
from djvet.project.index import ProjectIndex

ROOT = Path(__file__).resolve().parents[2]
BOOKSHOP = ROOT / "examples" / "bookshop"
MODULES = [
    "catalog/views.py",
    "catalog/services.py",
    "catalog/models.py",
    "orders/services.py",
]
PIECES = [
    "for b in Book.objects.all():\n    b.author.",
    ".select_related('author')",
    ")",
    "\n",
    "    ",
    "from catalog.models import Book\n",
    "# note\n",
    "def f(x):\n    return x\n",
    "'",
    "é",
]


def _findings(document: Document, project: ProjectIndex) -> list[tuple]:
    return sorted(
        (d.code, d.span, d.message)
        for d in check_document(document, project, verify_fixes=False)
    )


@st.composite
def edit_sequences(draw):
    relative = draw(st.sampled_from(MODULES))
    text = (BOOKSHOP / relative).read_text(encoding="utf-8")
    versions = []
    for _ in range(draw(st.integers(2, 6))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 80)) :]
        versions.append(text)
    return relative, versions


@st.composite
def line_end_edits(draw):
    """Typing at the end of lines of the models module: no line moves, so the model
    graph is mostly kept (re-bound to the new text) rather than rebuilt."""
    relative = "catalog/models.py"
    text = (BOOKSHOP / relative).read_text(encoding="utf-8")
    versions = []
    for _ in range(draw(st.integers(2, 6))):
        ends = [i for i, c in enumerate(text) if c == "\n"]
        at = draw(st.sampled_from(ends))
        piece = draw(
            st.sampled_from(["  # note", " or None", "'", ".upper()", "é", ")"])
        )
        text = text[:at] + piece + text[at:]
        versions.append(text)
    return relative, versions


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=st.one_of(edit_sequences(), line_end_edits()))
def test_an_edited_buffer_is_analysed_as_a_fresh_one(case, tmp_path):
    relative, versions = case
    root = tmp_path / "bookshop"
    if not root.exists():
        shutil.copytree(BOOKSHOP, root)
    path = str(root / relative)
    # the server's index, one version after another
    editor = ProjectIndex(root, Config(root=root))
    try:
        opened = Document.for_path(
            path, (BOOKSHOP / relative).read_text(encoding="utf-8"), incremental=True
        )
        assert opened.tree is not None  # the tree the first edit is diff-parsed from
        for number, text in enumerate(versions, 2):
            editor.set_overlay(path, text)
            incremental = Document.for_path(
                path, text, version=number, incremental=True
            )
            assert incremental.tree.get_code() == text
            fresh_project = ProjectIndex(root, Config(root=root))
            fresh_project.set_overlay(path, text)
            assert _findings(incremental, editor) == _findings(
                Document.for_path(path, text), fresh_project
            )
            if relative.endswith("models.py"):
                # the model graph is kept through edits that move none of its classes,
                # fields or managers: a module using the models must see no difference
                views = str(root / "catalog" / "views.py")
                assert _findings(editor.document(views), editor) == _findings(
                    fresh_project.document(views), fresh_project
                )
    finally:
        forget_incremental(path)


def test_the_diff_parser_matches_a_fresh_parse_of_a_large_module():
    text = (BOOKSHOP / "catalog" / "views.py").read_text(encoding="utf-8") * 20
    path = "/nonexistent/large_module.py"
    try:
        tree = Document.for_path(path, text, incremental=True).tree
        edited = text.replace("def ", "def  ", 3) + "\nx = (\n"
        updated = Document.for_path(path, edited, incremental=True).tree
        assert updated is tree  # parso updated the previous tree in place...
        assert updated.get_code() == edited  # ...into exactly the new text
        fresh = parse_python(edited)
        assert [leaf.type for leaf in _leaves(updated)] == [
            leaf.type for leaf in _leaves(fresh)
        ]
    finally:
        forget_incremental(path)


def _leaves(tree):
    leaf = tree.get_first_leaf()
    while leaf is not None:
        yield leaf
        leaf = leaf.get_next_leaf()


def test_an_import_edited_in_place_is_seen_by_model_resolution(tmp_path):
    """The model graph caches a buffer's imports by tree; an in-place update must not
    serve the imports of the previous version."""
    root = tmp_path / "bookshop"
    shutil.copytree(BOOKSHOP, root)
    path = str(root / "catalog" / "report.py")
    project = ProjectIndex(root, Config(root=root, select=("DJV101",)))
    loop = "\n\ndef names():\n    return [b.author.name for b in Book.objects.all()]\n"
    try:
        with_import = "from catalog.models import Book" + loop
        project.set_overlay(path, with_import)
        first = check_document(
            Document.for_path(path, with_import, version=1, incremental=True), project
        )
        without = "Book = None" + loop
        project.set_overlay(path, without)
        second = check_document(
            Document.for_path(path, without, version=2, incremental=True), project
        )
    finally:
        forget_incremental(path)
    assert [d.code for d in first] == ["DJV101"]
    assert second == []


def test_project_facts_reuse_unchanged_files_but_see_changed_ones(tmp_path):
    root = tmp_path / "bookshop"
    shutil.copytree(BOOKSHOP, root)
    project = ProjectIndex(root, Config(root=root))
    target = root / "catalog" / "lookups.py"
    target.write_text('lookup_name = "near"\n', encoding="utf-8")
    calls: list[str] = []

    def names(path: str, text: str) -> str:
        calls.append(path)
        return text

    assert project.per_file("test", str(target), names) == 'lookup_name = "near"\n'
    assert project.per_file("test", str(target), names) == 'lookup_name = "near"\n'
    assert len(calls) == 1  # unchanged: remembered
    later = time.time() + 5
    target.write_text('lookup_name = "far"\n', encoding="utf-8")
    os.utime(target, (later, later))
    project.file_changed(str(target))  # reported (the editor's file watcher)
    assert project.per_file("test", str(target), names) == 'lookup_name = "far"\n'
    project.set_overlay(str(target), "x = 1\n")
    assert project.per_file("test", str(target), names) == "x = 1\n"
    assert len(calls) == 3


def test_unreported_disk_changes_are_seen_once_the_last_stat_is_stale(
    tmp_path, monkeypatch
):
    target = tmp_path / "lookups.py"
    target.write_text('lookup_name = "near"\n', encoding="utf-8")
    project = ProjectIndex(tmp_path, Config(root=tmp_path))
    monkeypatch.setattr(index_module, "STAT_TRUSTED_FOR", 60.0)
    assert project.read(str(target)) == 'lookup_name = "near"\n'
    later = time.time() + 5
    target.write_text('lookup_name = "far"\n', encoding="utf-8")
    os.utime(target, (later, later))
    # within the moment a stat is trusted, one analysis sees one version of the file
    assert project.read(str(target)) == 'lookup_name = "near"\n'
    monkeypatch.setattr(index_module, "STAT_TRUSTED_FOR", 0.0)
    assert project.read(str(target)) == 'lookup_name = "far"\n'


def test_roles_follow_the_text(tmp_path):
    project = ProjectIndex(tmp_path, Config(root=tmp_path))
    path = str(tmp_path / "config.py")
    from djvet.core.roles import FileRole

    assert not project.roles(path, "x = 1\n") & FileRole.SETTINGS
    assert (
        project.roles(path, "DEBUG = True\nSECRET_KEY = 'x'\nALLOWED_HOSTS = []\n")
        & FileRole.SETTINGS
    )
    assert not project.roles(path, "x = 2\n") & FileRole.SETTINGS


def test_a_forks_parts_do_not_evict_the_projects(tmp_path):
    """Parts computed against an object (the model graph) are the project's own: a
    fix verification's fork, with a graph of its own, must not evict them."""
    target = tmp_path / "views.py"
    target.write_text("x = 1\n", encoding="utf-8")
    project = ProjectIndex(tmp_path, Config(root=tmp_path))
    calls: list[object] = []

    class Graph:  # stands for a model graph (compared by identity, held weakly)
        pass

    ours, theirs = Graph(), Graph()

    def part(graph):
        return lambda path, text: calls.append(graph) or len(text)

    assert project.per_file("sites", str(target), part(ours), depends=ours) == 6
    fork = project.fork({})
    assert fork.per_file("sites", str(target), part(theirs), depends=theirs) == 6
    assert project.per_file("sites", str(target), part(ours), depends=ours) == 6
    assert calls == [ours, theirs]  # the project's part was still there
    other = Graph()  # a rebuilt graph: computed again
    assert project.per_file("sites", str(target), part(other), depends=other) == 6
    assert calls == [ours, theirs, other]
