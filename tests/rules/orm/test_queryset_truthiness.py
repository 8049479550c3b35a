"""DJV120 queryset-truthiness."""

from __future__ import annotations

from rules.harness import PROJECTS, _folder_files, check_fixed, check_noop

CODE = "DJV120"
VIEW = "library/views.py"


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


def test_negations_comparisons_and_mirrored_operands(tmp_path):
    fixed(
        """\
        from library.models import Book

        def view():
            a = not Book.objects.filter(title="x")
            b = 0 < Book.objects.count()
            c = Book.objects.count() < 1
            d = 1 <= len(Book.objects.filter(title="y"))
            return a, b, c, d, [x for x in range(3) if Book.objects.filter(pk=x)]
        """,
        """\
        from library.models import Book

        def view():
            a = not Book.objects.filter(title="x").exists()
            b = Book.objects.exists()
            c = not Book.objects.exists()
            d = Book.objects.filter(title="y").exists()
            return a, b, c, d, [x for x in range(3) if Book.objects.filter(pk=x).exists()]
        """,
        tmp_path,
    )


def test_values_that_are_not_existence_tests(tmp_path):
    noop(
        """\
        from library.models import Book

        def view(books):
            a = Book.objects.filter(title="x") or []
            b = Book.objects.count() > 1
            c = len(Book.objects.all()) == 2
            d = books.count() > 0  # not known to be a queryset
            return a, b, c, d
        """,
        tmp_path,
    )


def test_test_then_iterate_is_the_documented_pattern(tmp_path):
    noop(
        """\
        from library.models import Book

        def view():
            books = Book.objects.filter(is_published=True)
            if not books:
                return []
            return [b.title for b in books]
        """,
        tmp_path,
    )


def test_count_on_an_evaluated_queryset_is_still_replaced(tmp_path):
    fixed(
        """\
        from library.models import Book

        def view():
            books = Book.objects.all()
            titles = [b.title for b in books]
            return titles, books.count() > 0
        """,
        """\
        from library.models import Book

        def view():
            books = Book.objects.all()
            titles = [b.title for b in books]
            return titles, books.exists()
        """,
        tmp_path,
    )
