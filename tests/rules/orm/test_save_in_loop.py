"""DJV116 save-in-loop."""

from __future__ import annotations

from rules.harness import PROJECTS, _folder_files, check_fixed, check_flags, check_noop

CODE = "DJV116"
VIEW = "library/views.py"


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def fixed(before, after, tmp_path):
    check_fixed(
        before,
        after,
        CODE,
        tmp_path,
        path=VIEW,
        files=_folder_files(PROJECTS / "library"),
    )


def test_method_calls_and_passing_the_object_keep_the_loop(tmp_path):
    found = flags(
        """\
        from library.models import Book

        def view(notify):
            for book in Book.objects.all():
                book.title = book.title.strip()
                notify(book)
                book.save()
            for book in Book.objects.all():
                book.title = "x"
                book.full_clean()
                book.save()
        """,
        tmp_path,
    )
    assert [f.fix for f in found] == [None, None]


def test_iterator_streams_are_not_collected(tmp_path):
    [finding] = flags(
        """\
        from library.models import Book

        def view():
            for book in Book.objects.all().iterator():
                book.title = "x"
                book.save()
        """,
        tmp_path,
    )
    assert finding.fix is None


def test_fresh_name_and_foreign_keys(tmp_path):
    fixed(
        """\
        from library.models import Book

        def view(books, publisher):
            for book in Book.objects.filter(publisher=None):
                book.publisher = publisher
                book.save()
            return books
        """,
        """\
        from library.models import Book

        def view(books, publisher):
            book_rows = list(Book.objects.filter(publisher=None))
            for book in book_rows:
                book.publisher = publisher
            Book.objects.bulk_update(book_rows, ["publisher"], batch_size=1000)
            return books
        """,
        tmp_path,
    )


def test_no_assignment_no_finding(tmp_path):
    check_noop(
        """\
        from library.models import Book

        def view():
            for book in Book.objects.all():
                book.save()
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )


def test_admin_action_queryset_parameter(tmp_path):
    fixed(
        """\
        from django.db.models import QuerySet

        from library.models import Book

        def unpublish(modeladmin, request, queryset: QuerySet[Book]):
            for book in queryset:
                book.is_published = False
                book.save()
        """,
        """\
        from django.db.models import QuerySet

        from library.models import Book

        def unpublish(modeladmin, request, queryset: QuerySet[Book]):
            for book in queryset:
                book.is_published = False
            Book.objects.bulk_update(queryset, ["is_published"], batch_size=1000)
        """,
        tmp_path,
    )
