"""The findings cache: a warm run gives the same findings; a change re-checks the files
that depend on it and nothing else; a damaged cache is rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

from djvet.checker import check_files, collect_files
from djvet.core.config import Config
from djvet.project.cache import FindingsCache
from djvet.project.index import ProjectIndex

LIBRARY = Path(__file__).resolve().parent / "rules" / "projects" / "library"
VIEW = "from library.models import Book\n\n\ndef view():\n    return [b.author.name for b in Book.objects.all()]\n"
HELPER = "def shout(text):\n    return text.upper()\n"


def run(root: Path):
    project = ProjectIndex(root, Config(root=root, select=("DJV101", "DJV102")))
    cache = FindingsCache(root).load()
    result = check_files(
        project, collect_files(project, [str(root)]), jobs=1, cache=cache
    )
    key = sorted((d.path, d.span, d.code, d.message) for d in result.diagnostics)
    return result, key


def make(tmp_path: Path) -> Path:
    shutil.copytree(LIBRARY, tmp_path, dirs_exist_ok=True)
    for package in ("mysite", "library"):
        (tmp_path / package / "__init__.py").touch()
    (tmp_path / "library" / "views.py").write_text(VIEW)
    (tmp_path / "library" / "text.py").write_text(HELPER)
    return tmp_path


def test_warm_run_comes_from_the_cache_with_the_same_findings(tmp_path):
    root = make(tmp_path)
    cold, cold_findings = run(root)
    warm, warm_findings = run(root)
    assert (
        cold.cache_hits == 0
        and warm.cache_hits == warm.files_checked == cold.files_checked
    )
    assert warm_findings == cold_findings and any(
        f[2] == "DJV101" for f in warm_findings
    )
    assert (root / ".djvet_cache" / ".gitignore").read_text().strip().endswith("*")


def test_an_unrelated_change_rechecks_only_that_file(tmp_path):
    root = make(tmp_path)
    first, _ = run(root)
    (root / "library" / "text.py").write_text(
        HELPER + "\n\ndef whisper(text):\n    return text.lower()\n"
    )
    second, _ = run(root)
    assert second.files_checked - second.cache_hits == 1


def test_a_models_change_rechecks_the_views(tmp_path):
    root = make(tmp_path)
    _, before = run(root)
    models = root / "library" / "models.py"
    models.write_text(
        models.read_text().replace(
            'author = models.ForeignKey(Author, related_name="books", on_delete=models.CASCADE)',
            'author = models.ManyToManyField(Author, related_name="books")',
        )
    )
    after_result, after = run(root)
    assert any(f[2] == "DJV101" and f[0].endswith("views.py") for f in before)
    assert not any(f[2] == "DJV101" and f[0].endswith("views.py") for f in after)
    assert after_result.cache_hits < after_result.files_checked


def test_a_damaged_cache_is_rebuilt(tmp_path):
    root = make(tmp_path)
    _, findings = run(root)
    cache_file = FindingsCache(root).file
    cache_file.write_bytes(b"not a pickle")
    result, again = run(root)
    assert again == findings and result.cache_hits == 0


def test_unverified_findings_are_not_served_to_a_run_that_shows_edits(tmp_path):
    """`djvet check` (text) reports fixes unverified; `--output-format json` shows their
    edits, so it must not take them from the text run's cache."""
    root = make(tmp_path)
    project = ProjectIndex(root, Config(root=root, select=("DJV101",)))
    files = collect_files(project, [str(root)])
    text_run = check_files(
        project, files, jobs=1, cache=FindingsCache(root).load(), verify_fixes=False
    )
    json_run = check_files(
        project, files, jobs=1, cache=FindingsCache(root).load(), verify_fixes=True
    )
    again = check_files(
        project, files, jobs=1, cache=FindingsCache(root).load(), verify_fixes=True
    )
    assert text_run.cache_hits == 0 and json_run.cache_hits == 0
    assert again.cache_hits == again.files_checked
    fixes = {(d.span, d.fix.edits if d.fix else None) for d in json_run.diagnostics}
    assert fixes == {
        (d.span, d.fix.edits if d.fix else None) for d in text_run.diagnostics
    }


def test_a_module_that_renders_nothing_leaves_the_templates_cached(tmp_path):
    root = make(tmp_path)
    templates = root / "library" / "templates" / "library"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "list.html").write_text(
        "{% for b in books %}{{ b.author.name }}{% endfor %}\n"
    )
    (root / "library" / "pages.py").write_text(
        "from django.shortcuts import render\nfrom library.models import Book\n\n\n"
        "def page(request):\n    return render(request, 'library/list.html', {'books': Book.objects.all()})\n"
    )
    run(root)
    (root / "library" / "text.py").write_text(
        HELPER + "\n\ndef whisper(text):\n    return text.lower()\n"
    )
    unrelated, _ = run(root)
    assert unrelated.files_checked - unrelated.cache_hits == 1  # text.py alone
    (root / "library" / "pages.py").write_text(
        (root / "library" / "pages.py")
        .read_text()
        .replace("Book.objects.all()", "Book.objects.select_related('author')")
    )
    rendering, findings = run(root)
    # the view and its template
    assert rendering.files_checked - rendering.cache_hits >= 2
