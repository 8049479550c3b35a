"""DJV113 instances-for-values."""

from __future__ import annotations

from rules.harness import PROJECTS, _folder_files, check_fixed, check_flags, check_noop

CODE = "DJV113"
VIEW = "library/views.py"


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def noop(source, tmp_path, **kwargs):
    check_noop(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def fixed(before, after, tmp_path):
    check_fixed(
        before,
        after,
        CODE,
        tmp_path,
        path=VIEW,
        files=_folder_files(PROJECTS / "library"),
    )


def test_generator_in_sorted_and_single_quotes(tmp_path):
    fixed(
        """\
        from library.models import Book

        def titles():
            return sorted(b.title for b in Book.objects.filter(is_published=True)), 'x', 'y'
        """,
        """\
        from library.models import Book

        def titles():
            return sorted(Book.objects.filter(is_published=True).values_list('title', flat=True)), 'x', 'y'
        """,
        tmp_path,
    )


def test_foreign_key_column_and_primary_key(tmp_path):
    fixed(
        """\
        from library.models import Book

        def view():
            return {b.author_id: b.pk for b in Book.objects.all()}
        """,
        """\
        from library.models import Book

        def view():
            return dict(Book.objects.all().values_list("author_id", "pk"))
        """,
        tmp_path,
    )


def test_iterator_and_file_fields_are_left_alone(tmp_path):
    files = {
        "library/models.py": (PROJECTS / "library/library/models.py").read_text()
        + "\n\nclass Scan(models.Model):\n    image = models.FileField()\n"
    }
    noop(
        """\
        from library.models import Book, Scan

        def view():
            return [b.title for b in Book.objects.all().iterator()], [s.image for s in Scan.objects.all()]
        """,
        tmp_path,
        files=files,
    )


def test_rows_read_again_in_a_loop_around(tmp_path):
    noop(
        """\
        from library.models import Book

        def view(authors):
            books = Book.objects.all()
            return [[b.title for b in books] for _ in authors]
        """,
        tmp_path,
    )


def test_tuple_targets_and_nested_comprehensions(tmp_path):
    noop(
        """\
        from library.models import Book

        def view():
            a = [i for i, b in enumerate(Book.objects.all())]
            b = [t.name for b in Book.objects.all() for t in b.tags.all()]
            return a, b
        """,
        tmp_path,
    )


def test_message(tmp_path):
    [finding] = flags(
        """\
        from library.models import Author

        def view():
            return [a.name for a in Author.objects.all()]
        """,
        tmp_path,
    )
    assert finding.fix.applicability.name == "SAFE"


def test_a_variable_that_may_hold_something_else(tmp_path):
    # NetBox's core/querysets.py: a dict view in one branch, `none()` in the other.
    noop(
        """\
        from django.contrib.contenttypes.models import ContentType

        def view(models):
            try:
                content_types = ContentType.objects.get_for_models(*models).values()
            except LookupError:
                content_types = ContentType.objects.none()
            return set(ct.pk for ct in content_types)
        """,
        tmp_path,
    )
