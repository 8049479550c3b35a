"""DJV225 edge cases."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

CODE = "DJV225"


def test_url_pattern_with_a_class_based_view(tmp_path):
    found = check_flags(
        """\
        from django.urls import path
        from django.views.decorators.csrf import csrf_exempt

        from library.views import Hook

        urlpatterns = [path("hook/", csrf_exempt(Hook.as_view()))]
        """,
        CODE,
        tmp_path,
        path="mysite/urls.py",
    )
    assert "Hook.as_view()" in found[0].message


def test_tests_are_not_checked(tmp_path):
    check_noop(
        """\
        from django.views.decorators.csrf import csrf_exempt


        @csrf_exempt
        def fake(request):
            return None
        """,
        CODE,
        tmp_path,
        path="library/tests.py",
    )
