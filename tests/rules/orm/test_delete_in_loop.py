"""DJV117 delete-in-loop."""

from __future__ import annotations

from rules.harness import PROJECTS, check_flags, check_noop

CODE = "DJV117"
VIEW = "library/views.py"


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def test_custom_delete_method_has_no_fix(tmp_path):
    models = (
        (PROJECTS / "library/library/models.py")
        .read_text()
        .replace(
            '    def __str__(self):\n        return f"{self.title} by {self.author.name}"',
            "    def delete(self, *args, **kwargs):\n        self.tags.clear()\n        return super().delete(*args, **kwargs)",
        )
    )
    [finding] = flags(
        """\
        from library.models import Book

        def view():
            for book in Book.objects.all():
                book.delete()
        """,
        tmp_path,
        files={"library/models.py": models},
    )
    assert finding.fix is None


def test_distinct_and_values_have_no_fix(tmp_path):
    found = flags(
        """\
        from library.models import Book

        def view():
            for book in Book.objects.distinct():
                book.delete()
        """,
        tmp_path,
    )
    assert [f.fix for f in found] == [None]
    check_noop(
        """\
        from library.models import Book

        def view():
            for row in Book.objects.values("pk"):
                row.delete()
        """,
        CODE,
        tmp_path / "values",
        path=VIEW,
        project="library",
    )
