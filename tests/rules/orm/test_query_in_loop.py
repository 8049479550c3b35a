"""DJV108 (query keyed by a loop variable): edge cases on the shared `library` project.

The runtime proof is in tests/n1 (`pos_get_in_loop`, `pos_filter_first_in_loop`).
"""

from __future__ import annotations

from rules.harness import check, check_flags, check_noop

CODE = "DJV108"
PATH = "library/services.py"


def flags(source, tmp_path):
    return check_flags(source, CODE, tmp_path, path=PATH, project="library")


def noop(source, tmp_path):
    check_noop(source, CODE, tmp_path, path=PATH, project="library")


def test_query_built_in_the_loop_and_evaluated_later(tmp_path):
    found = flags(
        """\
        from library.models import Book


        def published(author_ids):
            counts = []
            for author_id in author_ids:
                books = Book.objects.filter(author_id=author_id)
                counts.append(books.count())
            return counts
        """,
        tmp_path,
    )
    assert [d.span.start_line for d in found] == [7]


def test_names_derived_from_the_loop_variable(tmp_path):
    found = flags(
        """\
        from library.models import Author


        def mentors(rows):
            for row in rows:
                name = row["mentor"]
                cleaned = name.strip()
                yield Author.objects.filter(name=cleaned).first()
        """,
        tmp_path,
    )
    assert "before the loop into a dict" in found[0].message


def test_keyword_named_like_the_loop_variable_is_not_a_use(tmp_path):
    noop(
        """\
        from library.models import Author, Book


        def counts(books):
            first = Author.objects.first()
            return [Book.objects.filter(author=first).count() for author in books]
        """,
        tmp_path,
    )


def test_nested_loops_report_once(tmp_path):
    found = check(
        """\
        from library.models import Chapter


        def table(books, numbers):
            for book in books:
                for number in numbers:
                    Chapter.objects.filter(book=book, title=number).exists()
        """,
        CODE,
        tmp_path,
        path=PATH,
        project="library",
    )
    assert [d.span.start_line for d in found if d.code == CODE] == [6]


def test_bounded_loops_and_other_scopes_are_quiet(tmp_path):
    noop(
        """\
        from library.models import Tag


        def fixed():
            for name in ("a", "b"):
                Tag.objects.get(name=name)
            for index in range(3):
                Tag.objects.filter(pk=index).exists()
            for name in DEFAULT_TAGS:
                Tag.objects.filter(name=name).exists()
            return {key: Tag.objects.get(name=key) for key in {"x", "y"}}


        def locked(ids):
            # A row lock per item is deliberate.
            for pk in ids:
                Tag.objects.select_for_update().filter(pk=pk).get()


        def deferred(rows):
            handlers = []
            for row in rows:
                def load(row=row):
                    return Tag.objects.get(pk=row)

                handlers.append(load)
            return handlers
        """,
        tmp_path,
    )


def test_tests_are_skipped(tmp_path):
    check_noop(
        """\
        from library.models import Tag


        def test_tags():
            for pk in [1, 2, 3] * 10:
                assert Tag.objects.filter(pk=pk).exists()
        """,
        CODE,
        tmp_path,
        path="library/tests/test_tags.py",
        project="library",
    )
