"""DJV234 edge cases."""

from __future__ import annotations

import pytest

from rules.harness import check_fixed, check_flags, check_noop

CODE = "DJV234"
PATH = "library/views.py"


def test_class_based_view_uses_self_request(tmp_path):
    check_fixed(
        """\
        from django.shortcuts import redirect


        class Done:
            def get(self):
                return redirect(self.request.GET["next"])
        """,
        """\
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme


        class Done:
            def get(self):
                return redirect(self.request.GET["next"] if url_has_allowed_host_and_scheme(self.request.GET["next"], allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()) else "/")
        """,
        CODE,
        tmp_path,
        path=PATH,
    )


@pytest.mark.parametrize(
    "target",
    [
        "f\"https://example.com/{request.GET['p']}\"",  # the host is fixed
        '"/accounts/" + request.GET["tab"]',
        "request.path",  # this request's own path
    ],
)
def test_fixed_host(tmp_path, target):
    check_noop(
        f"from django.shortcuts import redirect\n\n\ndef v(request):\n    return redirect({target})\n",
        CODE,
        tmp_path,
        path=PATH,
    )


def test_other_redirect_functions(tmp_path):
    check_noop(
        "from myapp.shortcuts import redirect\n\n\ndef v(request):\n    return redirect(request.GET['n'])\n",
        CODE,
        tmp_path,
        path=PATH,
    )


@pytest.mark.parametrize(
    "body",
    [
        # the project's own validator given the URL
        "url = request.GET.get('next')\n    if url and safe_for_redirect(url):\n        return redirect(url)\n    return redirect('/')",
        "url = request.GET.get('next')\n    if not _allow_redirect(url):\n        url = '/'\n    return redirect(url)",
        # a variable whose value starts with a fixed path
        'url = f"{obj.local_path}?{request.GET.urlencode()}"\n    return redirect(url)',
        "url = f\"{request.path}?page={request.GET['page']}\"\n    return redirect(url)",
    ],
)
def test_validated_or_pinned(tmp_path, body):
    check_noop(
        f"from django.shortcuts import redirect\n\n\ndef v(request, obj):\n    {body}\n",
        CODE,
        tmp_path,
        path=PATH,
    )


def test_validator_of_another_value_does_not_count(tmp_path):
    check_flags(
        """\
        from django.shortcuts import redirect


        def v(request, other):
            if is_valid_name(other):
                return redirect(request.GET["next"])
            return redirect("/")
        """,
        CODE,
        tmp_path,
        path=PATH,
    )
