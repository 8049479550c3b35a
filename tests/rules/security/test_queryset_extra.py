"""DJV221 edge cases."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

CODE = "DJV221"
PATH = "library/services.py"


def test_queryset_from_a_variable(tmp_path):
    found = check_flags(
        """\
        from library.models import Book


        def f():
            books = Book.objects.filter(is_published=True)
            return books.extra(select={"one": "1"})
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
    assert found[0].span.start_line == 5


def test_unknown_keyword_is_not_djangos(tmp_path):
    check_noop(
        "def f(obj):\n    return obj.objects.extra(foo=1)\n", CODE, tmp_path, path=PATH
    )
