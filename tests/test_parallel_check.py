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
