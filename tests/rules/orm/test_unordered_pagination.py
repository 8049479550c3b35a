"""DJV123 unordered-pagination."""

from __future__ import annotations

from rules.harness import PROJECTS, check_flags, check_noop

CODE = "DJV123"
VIEW = "library/views.py"


def test_meta_ordering_and_ordering_managers_count(tmp_path):
    models = (
        (PROJECTS / "library/library/models.py")
        .read_text()
        .replace(
            "class Tag(models.Model):\n    name = models.CharField(max_length=50)\n",
            "class Tag(models.Model):\n    name = models.CharField(max_length=50)\n\n"
            "    class Meta:\n        ordering = ['name']\n",
        )
    )
    check_noop(
        """\
        from django.core.paginator import Paginator

        from library.models import Tag

        def view():
            return Paginator(Tag.objects.filter(name__startswith="a"), 10), Paginator(Tag.objects.all(), 5)
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
        files={"library/models.py": models},
    )


def test_variables_must_agree(tmp_path):
    check_noop(
        """\
        from django.core.paginator import Paginator

        from library.models import Chapter

        def view(sort):
            chapters = Chapter.objects.all()
            if sort:
                chapters = chapters.order_by(sort)
            return Paginator(chapters, 10)
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )


def test_keyword_object_list(tmp_path):
    [finding] = check_flags(
        """\
        from django.core.paginator import Paginator

        from library.models import Chapter

        def view():
            return Paginator(per_page=10, object_list=Chapter.objects.filter(title="x"))
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )
    assert (
        finding.fix.edits[0].new_text
        == 'Chapter.objects.filter(title="x").order_by("pk")'
    )


def test_only_djangos_list_views(tmp_path):
    # Wagtail's generic IndexView paginates with its own `default_ordering`.
    check_noop(
        """\
        from wagtail.admin.views.generic import IndexView

        from library.models import Chapter

        class Chapters(IndexView):
            model = Chapter
            paginate_by = 20
            default_ordering = "title"
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )
