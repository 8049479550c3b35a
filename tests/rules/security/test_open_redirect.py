"""DJV234 edge cases."""

from __future__ import annotations

import pytest

from rules.harness import check_fixed, check_noop

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
        CODE, tmp_path, path=PATH)


@pytest.mark.parametrize("target", [
    'f"https://example.com/{request.GET[\'p\']}"',  # the host is fixed
    '"/accounts/" + request.GET["tab"]',
    'request.path',  # this request's own path
])
def test_fixed_host(tmp_path, target):
    check_noop(f"from django.shortcuts import redirect\n\n\ndef v(request):\n    return redirect({target})\n",
               CODE, tmp_path, path=PATH)


def test_other_redirect_functions(tmp_path):
    check_noop("from myapp.shortcuts import redirect\n\n\ndef v(request):\n    return redirect(request.GET['n'])\n",
               CODE, tmp_path, path=PATH)
