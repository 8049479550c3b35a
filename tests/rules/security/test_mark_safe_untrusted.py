"""DJV222 edge cases: what counts as data, what the fix writes and when it stays away."""

from __future__ import annotations

import pytest

from rules.harness import check_fixed, check_flags, check_noop

CODE = "DJV222"
PATH = "library/templatetags/tags.py"


def test_fix_adds_format_html_to_an_existing_import(tmp_path):
    check_fixed(
        """\
        from django.utils.html import escape
        from django.utils.safestring import mark_safe


        def badge(name, count):
            return mark_safe(f"<b title='{escape(name)}'>{name}</b> ({count:d})")
        """,
        """\
        from django.utils.html import escape, format_html
        from django.utils.safestring import mark_safe


        def badge(name, count):
            return format_html("<b title='{}'>{}</b> ({:d})", escape(name), name, count)
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


def test_percent_template_braces_are_doubled(tmp_path):
    check_fixed(
        """\
        from django.utils.safestring import mark_safe


        def styled(color):
            return mark_safe("<style>p {color: %s}</style>" % color)
        """,
        """\
        from django.utils.safestring import mark_safe
        from django.utils.html import format_html


        def styled(color):
            return format_html("<style>p {{color: {}}}</style>", color)
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


@pytest.mark.parametrize(
    "body",
    [
        # a loop variable over a parameter
        "html = ''\n    for item in items:\n        html += f'<li>{item}</li>'\n    return mark_safe(html)",
        # an attribute of a parameter
        "return mark_safe(items.title)",
        # request data through a variable
        "q = request.GET['q']\n    return mark_safe(q.strip())",
        # `_()` carries its argument
        "return mark_safe(_(f'Hello <b>{items.name}</b>'))",
    ],
)
def test_data_is_flagged(tmp_path, body):
    source = f"from django.utils.safestring import mark_safe\nfrom django.utils.translation import gettext as _\n\n\ndef f(request, items):\n    {body}\n"
    check_flags(source, CODE, tmp_path, path=PATH)


@pytest.mark.parametrize(
    "body",
    [
        "return mark_safe(helper(items))",  # an unknown function's result is not traced
        "return mark_safe(items.as_p())",  # forms render escaped HTML
        "return mark_safe(f'<p>{escape(items)}</p>')",
        "value = escape(items) if items else ''\n    return mark_safe(f'<p>{value}</p>')",
        "return mark_safe(f'<a href=\"?{request.GET.urlencode()}\">next</a>')",
        "return mark_safe(items)  # nosec B703",
    ],
)
def test_safe_or_untraced_is_not_flagged(tmp_path, body):
    source = f"from django.utils.html import escape\nfrom django.utils.safestring import mark_safe\n\n\ndef f(request, items):\n    {body}\n"
    check_noop(source, CODE, tmp_path, path=PATH)


def test_markup_built_elsewhere_gets_no_edit(tmp_path):
    found = check_flags(
        """\
        from django.utils.safestring import mark_safe


        def rows(items):
            html = ""
            for item in items:
                html += f"<li>{item}</li>"
            return mark_safe(f"<ul>{html}</ul>")
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
    assert not found[0].fix.edits and "built elsewhere" in found[0].fix.title


def test_a_local_function_named_mark_safe_is_not_djangos(tmp_path):
    check_noop(
        """\
        from myproject.html import mark_safe


        def f(name):
            return mark_safe(f"<b>{name}</b>")
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
