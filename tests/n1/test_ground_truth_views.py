"""Runtime ground truth of template views and admin changelists (no djvet involved).

Pages are fetched with Django's test client at 2 and 5 rows (admin pages as a logged-in
superuser). Slow pages make more queries with more rows; their `*_fast` twins and the
negative changelists do not. Hand-written golden fixes of `library/views.py` and
`library/admin.py` make the slow pages constant without changing what they show.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from n1.runner import (
    PROJECT,
    CaseRun,
    ViewJob,
    copy_project,
    expected_markers,
    run_views,
)

POSITIVE = [
    ViewJob("book_list", "/books/"),
    ViewJob("book_cards", "/books/cards/"),
    ViewJob("tag_list", "/tags/"),
    ViewJob("author_list", "/authors/"),
    ViewJob("publisher_list", "/publishers/"),
    ViewJob("book_titles", "/books/titles/"),
    ViewJob("admin_book", "/admin/library/book/", login=True),
    ViewJob("admin_author", "/admin/library/author/", login=True),
    ViewJob("admin_tag", "/admin/library/tag/", login=True),
    ViewJob("admin_chapter", "/admin/library/chapter/", login=True),
]
NEGATIVE = [
    ViewJob("book_list_fast", "/books/fast/"),
    ViewJob("author_list_fast", "/authors/fast/"),
    ViewJob("publisher_list_fast", "/publishers/fast/"),
    ViewJob("book_titles_fast", "/books/titles/fast/"),
    ViewJob("admin_review", "/admin/library/review/", login=True),
    ViewJob("admin_profile", "/admin/library/profile/", login=True),
    ViewJob("admin_publisher", "/admin/library/publisher/", login=True),
]
# A slow page and its fast twin render the same template from the same rows.
TWINS = [
    ("book_list", "book_list_fast"),
    ("author_list", "author_list_fast"),
    ("publisher_list", "publisher_list_fast"),
    ("book_titles", "book_titles_fast"),
]
VIEWS, ADMIN = "library/views.py", "library/admin.py"
# (file, old, new): the fix of each positive page, applied to a copy of the project.
GOLDEN_EDITS = [
    (
        VIEWS,
        "books = Book.objects.all()",
        'books = Book.objects.select_related("author").prefetch_related("tags")',
    ),
    (
        VIEWS,
        'Book.objects.order_by("title")',
        'Book.objects.select_related("publisher").order_by("title")',
    ),
    (
        VIEWS,
        '{"tags": Tag.objects.all()}',
        '{"tags": Tag.objects.prefetch_related("book_set")}',
    ),
    (
        VIEWS,
        "model = Author",
        'queryset = Author.objects.select_related("mentor").prefetch_related("books")',
    ),
    (
        VIEWS,
        'context["books"] = Book.objects.all()',
        'context["books"] = Book.objects.select_related("author")',
    ),
    (
        VIEWS,
        "return Publisher.objects.all()",
        'return Publisher.objects.prefetch_related("book_set")',
    ),
    (
        ADMIN,
        'list_display = ("title", "author", "publisher")',
        'list_display = ("title", "author", "publisher")\n    list_select_related = ("author", "publisher")',
    ),
    (
        ADMIN,
        'list_display = ("name", "mentor_name")',
        'list_display = ("name", "mentor_name")\n    list_select_related = ("mentor",)',
    ),
    (
        ADMIN,
        'list_display = ("name", "book_count")',
        'list_display = ("name", "book_count")\n\n'
        "    def get_queryset(self, request):\n"
        '        return super().get_queryset(request).prefetch_related("book_set")',
    ),
    # `list_select_related` is ignored here (the manager already selects): override.
    (
        ADMIN,
        'list_display = ("title", "book", "editor")',
        'list_display = ("title", "book", "editor")\n\n'
        "    def get_queryset(self, request):\n"
        "        queryset = super().get_queryset(request)\n"
        '        return queryset.select_related("book__author", "editor")',
    ),
]


@pytest.fixture(scope="module")
def runs() -> dict[str, CaseRun]:
    return run_views(POSITIVE + NEGATIVE)


@pytest.fixture(scope="module")
def golden_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CaseRun]:
    project = copy_project(tmp_path_factory.mktemp("golden"))
    for relative, old, new in GOLDEN_EDITS:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{relative}: {old!r} is not unique"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return run_views(POSITIVE, project)


def _ok(run: CaseRun) -> CaseRun:
    assert run.error is None, run.describe()
    return run


@pytest.mark.parametrize("job", POSITIVE, ids=lambda job: job.name)
def test_slow_page_grows_with_rows(runs: dict[str, CaseRun], job: ViewJob) -> None:
    run = _ok(runs[job.name])
    assert run.grows, run.describe()
    assert "5" not in run.results[2] or "4" in run.results[5]


@pytest.mark.parametrize("job", NEGATIVE, ids=lambda job: job.name)
def test_fast_page_is_constant(runs: dict[str, CaseRun], job: ViewJob) -> None:
    run = _ok(runs[job.name])
    assert run.constant, run.describe()
    assert run.results[2] != run.results[5]


@pytest.mark.parametrize(("slow", "fast"), TWINS)
def test_twins_show_the_same_page(
    runs: dict[str, CaseRun], slow: str, fast: str
) -> None:
    assert _ok(runs[slow]).results == _ok(runs[fast]).results


@pytest.mark.parametrize("job", POSITIVE, ids=lambda job: job.name)
def test_golden_fix_is_constant_and_keeps_the_page(
    runs: dict[str, CaseRun], golden_runs: dict[str, CaseRun], job: ViewJob
) -> None:
    fixed = _ok(golden_runs[job.name])
    assert fixed.constant, fixed.describe()
    assert fixed.results == _ok(runs[job.name]).results


def test_markers_in_views_admin_and_templates() -> None:
    files = [PROJECT / VIEWS, PROJECT / ADMIN, *sorted((PROJECT).rglob("*.html"))]
    codes = {
        code for path in files for _, code in expected_markers(Path(path).read_text())
    }
    assert codes == {"DJV105", "DJV107"}
