"""DJV220 edge cases: sinks, hole positions, trusted parts and the parameterising fix.

The runtime proof (benign rows kept, injection neutralised) is tests/n1/test_raw_sql_fix.py.
"""

from __future__ import annotations

import pytest

from djvet.core.model import Applicability
from rules.harness import check, check_fixed, check_flags, check_noop

CODE = "DJV220"
PATH = "library/services.py"


def test_triple_quoted_sql_keeps_its_layout(tmp_path):
    check_fixed(
        '''\
        from django.db import connection


        def report(since):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    SELECT day, COUNT(*) FROM orders
                    WHERE status IN ('paid', 'shipped') AND created >= '{since}'
                    GROUP BY day
                    """
                )
        ''',
        '''\
        from django.db import connection


        def report(since):
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    SELECT day, COUNT(*) FROM orders
                    WHERE status IN ('paid', 'shipped') AND created >= %s
                    GROUP BY day
                    """, [since]
                )
        ''',
        CODE,
        tmp_path,
        path=PATH,
    )


def test_percent_in_raw_is_already_escaped(tmp_path):
    # raw() always runs the SQL through `%` formatting: `%%` stays, the LIKE parameter
    # gets a single `%` since parameters are not formatted.
    check_fixed(
        """\
        from library.models import Book


        def search(term):
            return Book.objects.raw("SELECT * FROM book WHERE title LIKE '%%{}%%'".format(term))
        """,
        """\
        from library.models import Book


        def search(term):
            return Book.objects.raw("SELECT * FROM book WHERE title LIKE %s", [f"%{term}%"])
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


def test_sql_keyword_argument_gets_params_keyword(tmp_path):
    check_fixed(
        """\
        from django.db import connection


        def rows(name):
            connection.cursor().execute(sql=f"SELECT * FROM t WHERE name = '{name}'")
        """,
        """\
        from django.db import connection


        def rows(name):
            connection.cursor().execute(sql="SELECT * FROM t WHERE name = %s", params=[name])
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


def test_sql_quote_inside_a_value_becomes_one_quote_in_the_parameter(tmp_path):
    check_fixed(
        """\
        from library.models import Book


        def titled(word):
            return Book.objects.raw(f"SELECT * FROM book WHERE title = 'It''s {word}'")
        """,
        """\
        from library.models import Book


        def titled(word):
            return Book.objects.raw("SELECT * FROM book WHERE title = %s", [f"It's {word}"])
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (
            "params = [1]\n    return Book.objects.raw(f\"SELECT * FROM book WHERE a = %s AND b = '{x}'\", params)",
            "parameters from a variable",
        ),
        (
            "return Book.objects.raw(f\"SELECT * FROM book WHERE title = '{x}' ORDER BY {x_column}\")",
            "`x_column` is an identifier",
        ),
        (
            "return Book.objects.raw(\"SELECT * FROM book WHERE a = '%s' AND b = '%s'\" % args)",
            "cannot be told apart",
        ),
        (
            "return Book.objects.raw(f\"SELECT * FROM book WHERE code = '{x:>8}'\")",
            "is formatted",
        ),
    ],
)
def test_no_edit_only_the_reason(tmp_path, source, reason):
    found = check_flags(
        f"from library.models import Book\n\n\ndef q(x, x_column, args):\n    {source}\n",
        CODE,
        tmp_path,
        path=PATH,
    )
    assert (
        found[0].fix is not None
        and found[0].fix.applicability is Applicability.DISPLAY_ONLY
    )
    assert not found[0].fix.edits and reason in found[0].message


def test_other_drivers_are_flagged_without_a_fix(tmp_path):
    found = check_flags(
        """\
        import sqlite3


        def rows(path, name):
            cursor = sqlite3.connect(path).cursor()
            return cursor.execute(f"SELECT * FROM docs WHERE name = '{name}'")
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
    assert "driver" in found[0].message and not found[0].fix.edits


@pytest.mark.parametrize(
    "source",
    [
        # identifiers and clauses of unknown origin are not values
        'return Book.objects.raw(f"SELECT * FROM {table} WHERE id = %s", [pk])',
        # the ORM's own SQL
        'sql, params = qs.query.sql_with_params()\n    return Book.objects.raw(f"SELECT * FROM ({sql}) t", params)',
        # numbers
        'return Book.objects.raw("SELECT * FROM book LIMIT %d" % limit)',
        'return Book.objects.raw(f"SELECT * FROM book WHERE price = {limit:.2f}")',
        'return Book.objects.raw(f"SELECT * FROM book LIMIT {len(qs)}")',
        # a variable rebound to a sanitised value
        'limit = int(limit)\n    return Book.objects.raw(f"SELECT * FROM book LIMIT {limit}")',
        # `x if c else y` of trusted parts
        'n = "null" if pk == "null" else int(pk)\n    return Book.objects.raw(f"SELECT * FROM book WHERE a = {n}")',
        # a reviewed spot for the same problem
        "return Book.objects.raw(f\"SELECT * FROM book WHERE a = '{pk}'\")  # noqa: S608",
        # a method called execute that is not a cursor, with text that is not SQL
        'return runner.execute(f"deploy {table}")',
    ],
)
def test_not_flagged(tmp_path, source):
    check_noop(
        f"from library.models import Book\n\n\ndef q(qs, table, pk, limit, runner):\n    {source}\n",
        CODE,
        tmp_path,
        path=PATH,
    )


def test_tests_and_migrations_are_not_checked(tmp_path):
    source = 'from library.models import Book\n\n\ndef q(x):\n    return Book.objects.raw(f"SELECT {x}")\n'
    assert not check(source, CODE, tmp_path / "a", path="library/tests.py")
    assert not check(source, CODE, tmp_path / "b", path="library/migrations/0002_x.py")


def test_request_data_in_an_identifier_is_flagged(tmp_path):
    found = check_flags(
        """\
        from library.models import Book


        def view(request):
            order = request.GET.get("order", "id")
            return Book.objects.raw(f"SELECT * FROM book ORDER BY {order}")
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
    assert (
        "request data `order`" in found[0].message and "identifier" in found[0].message
    )
