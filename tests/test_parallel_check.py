"""`djvet check` in worker processes finds exactly what the serial run finds."""

from __future__ import annotations

import shutil
from pathlib import Path

from djvet.checker import check_files, collect_files
from djvet.core.config import Config
from djvet.project.index import ProjectIndex

LIBRARY = Path(__file__).resolve().parent / "rules" / "projects" / "library"
VIEW = """\
from library.models import Author, Book


def view_{n}():
    rows = [(b.title, b.author.name) for b in Book.objects.all()]
    counts = {{a.name: a.books.count() for a in Author.objects.all()}}
    return rows, counts
"""


def test_parallel_and_serial_checks_agree(tmp_path):
    shutil.copytree(LIBRARY, tmp_path, dirs_exist_ok=True)
    for package in ("mysite", "library"):
        (tmp_path / package / "__init__.py").touch()
    for n in range(45):
        (tmp_path / "library" / f"views_{n}.py").write_text(VIEW.format(n=n))
    project = ProjectIndex(tmp_path, Config(root=tmp_path, select=("DJV1", "DJV2")))
    files = collect_files(project, [str(tmp_path)])
    serial = check_files(project, files, jobs=1)
    parallel = check_files(ProjectIndex(tmp_path, project.config), files, jobs=2)
    key = lambda d: (d.path, d.span, d.code, d.message, d.fix)  # noqa: E731
    assert sorted(map(key, parallel.diagnostics)) == sorted(
        map(key, serial.diagnostics)
    )
    assert parallel.files_checked == serial.files_checked == len(files)
    assert sum(d.code == "DJV101" for d in serial.diagnostics) == 45


QUERIES = """\
from library.models import Book


def published():
    return Book.objects.filter(title__startswith="A")
"""
HELPED_VIEW = """\
from library.queries import published


def view_{n}():
    return [(b.title, b.author.name) for b in published()]
"""


def test_a_batch_keeps_its_trees_and_restores_the_collector_afterwards(
    tmp_path, monkeypatch
):
    """Every module is parsed once per process, however many others read it (a view's
    models, a form's base class), and the garbage collector and the shared-tree limit
    are as they were once the batch ends (the server and tests live on)."""
    import gc

    import djvet.core.document as document

    shutil.copytree(LIBRARY, tmp_path, dirs_exist_ok=True)
    for package in ("mysite", "library"):
        (tmp_path / package / "__init__.py").touch()
    (tmp_path / "library" / "queries.py").write_text(QUERIES)
    for n in range(3):
        (tmp_path / "library" / f"views_{n}.py").write_text(HELPED_VIEW.format(n=n))
    parsed: list[str] = []
    original_parse = document.parse_python

    def counting_parse(text, **options):
        parsed.append(text)
        return original_parse(text, **options)

    monkeypatch.setattr(document, "parse_python", counting_parse)
    monkeypatch.setattr(document, "_SHARED_LIMIT", 1)  # the server's bound, squeezed
    document.clear_shared()
    thresholds = gc.get_threshold()
    project = ProjectIndex(tmp_path, Config(root=tmp_path, select=("DJV1",)))
    result = check_files(project, collect_files(project, [str(tmp_path)]), jobs=1)

    assert sum(d.code == "DJV101" for d in result.diagnostics) == 3
    assert len(parsed) == len(set(parsed)), "a module was parsed twice"
    assert gc.get_threshold() == thresholds
    assert document._SHARED_LIMIT == 1 and len(document._SHARED) <= 1
