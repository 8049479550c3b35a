"""DJV223 edge cases (the fix mirrors django-upgrade's `format_html` fixer)."""

from __future__ import annotations

from djvet.core.model import Applicability
from rules.harness import check_fixed, check_flags, check_noop

CODE = "DJV223"
PATH = "library/admin.py"


def test_keyword_fields_stay_keywords(tmp_path):
    check_fixed(
        """\
        from django.utils.html import format_html


        def link(obj):
            return format_html('<a href="{url}">{name}</a>'.format(url=obj.url, name=obj.name))
        """,
        """\
        from django.utils.html import format_html


        def link(obj):
            return format_html('<a href="{}">{}</a>', obj.url, obj.name)
        """,
        CODE,
        tmp_path,
        path=PATH,
        level=Applicability.SAFE,
    )


def test_module_attribute_call(tmp_path):
    check_fixed(
        """\
        from django.utils import html


        def bold(name):
            return html.format_html(f"<b>{name!r}</b>")
        """,
        """\
        from django.utils import html


        def bold(name):
            return html.format_html("<b>{!r}</b>", name)
        """,
        CODE,
        tmp_path,
        path=PATH,
        level=Applicability.SAFE,
    )


def test_existing_arguments_get_no_edit(tmp_path):
    found = check_flags(
        """\
        from django.utils.html import format_html


        def f(a, b):
            return format_html("{} %s" % a, b)
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
    assert found[0].fix is None


def test_constant_parts_only(tmp_path):
    check_noop(
        """\
        from django.utils.html import format_html

        BASE = "<b>{}</b>"


        def f(name):
            return format_html(BASE + " <i>{}</i>", name, name)
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
