"""DJV224 edge cases."""

from __future__ import annotations

import pytest

from rules.harness import check_fixed, check_flags, check_noop

CODE = "DJV224"
PATH = "library/views.py"


def test_escape_is_imported(tmp_path):
    check_fixed(
        """\
        from django.http import HttpResponse


        def echo(request):
            return HttpResponse(request.GET.get("q", ""))
        """,
        """\
        from django.http import HttpResponse
        from django.utils.html import escape


        def echo(request):
            return HttpResponse(escape(request.GET.get("q", "")))
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


@pytest.mark.parametrize(
    "call",
    [
        'HttpResponse(request.GET["q"], content_type="text/html; charset=utf-8")',
        'HttpResponse(content=request.GET["q"])',
        'HttpResponse(f"<p>{obj.title}</p>")',
    ],
)
def test_flagged(tmp_path, call):
    check_flags(
        f"from django.http import HttpResponse\n\n\ndef v(request, obj):\n    return {call}\n",
        CODE,
        tmp_path,
        path=PATH,
    )


@pytest.mark.parametrize(
    "call",
    [
        'HttpResponse(request.GET["q"], content_type="text/csv")',
        'HttpResponse(f"Hello {obj.title}")',  # no markup, not request data
        'HttpResponse(f"<p>{helper(obj)}</p>")',  # untraced
        "HttpResponse(status=204)",
    ],
)
def test_not_flagged(tmp_path, call):
    check_noop(
        f"from django.http import HttpResponse\n\n\ndef v(request, obj):\n    return {call}\n",
        CODE,
        tmp_path,
        path=PATH,
    )
