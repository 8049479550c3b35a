"""DJV119 len-of-queryset: only when nothing else reads the rows."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

CODE = "DJV119"
VIEW = "library/views.py"


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def noop(source, tmp_path, **kwargs):
    check_noop(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def test_variable_only_counted_and_filtered(tmp_path):
    [finding] = flags(
        """\
        from library.models import Book

        def view():
            books = Book.objects.filter(is_published=True)
            return len(books), books.filter(title="x").exists()
        """,
        tmp_path,
    )
    assert finding.fix.edits[0].new_text == "books.count()"


def test_rows_used_before_or_after(tmp_path):
    noop(
        """\
        from library.models import Book

        def before():
            books = Book.objects.all()
            titles = [b.title for b in books]
            return titles, len(books)

        def after():
            books = Book.objects.all()
            n = len(books)
            return n, books[0]

        def passed_on(render):
            books = Book.objects.all()
            return render(len(books), books)
        """,
        tmp_path,
    )


def test_module_level_querysets_and_attributes(tmp_path):
    noop(
        """\
        from library.models import Book

        BOOKS = Book.objects.all()

        def view():
            return len(BOOKS)

        class View:
            def get(self):
                return len(self.object_list)
        """,
        tmp_path,
    )


def test_existence_tests_belong_to_djv120(tmp_path):
    noop(
        """\
        from library.models import Book

        def view():
            if len(Book.objects.all()):
                return 1
            return len(Book.objects.all()) == 0
        """,
        tmp_path,
    )


def test_tests_are_not_checked(tmp_path):
    check_noop(
        """\
        from library.models import Book

        def test_count():
            assert len(Book.objects.all()) == 2
        """,
        CODE,
        tmp_path,
        path="library/tests.py",
        project="library",
    )


def test_relations_count_unless_prefetched(tmp_path):
    [finding] = flags(
        """\
        from library.models import Author

        def view():
            counts = []
            for author in Author.objects.all():
                counts.append(len(author.books.all()))
            for author in Author.objects.prefetch_related("books"):
                counts.append(len(author.books.all()))
            return counts
        """,
        tmp_path,
    )
    assert finding.span.start_line == 5
