"""DJV301 edge cases found on real projects."""

from __future__ import annotations

from rules.harness import check, check_noop


def test_module_with_its_own_get_user_model_gets_no_fix(tmp_path):
    # django-oscar's `oscar/core/compat.py` defines `get_user_model()` itself.
    [finding] = check(
        """\
        from django.contrib.auth.models import User


        def get_user_model():
            return User
        """,
        "DJV301",
        tmp_path,
    )
    assert finding.fix is None


def test_tests_and_type_checking_imports_are_quiet(tmp_path):
    check_noop(
        "from django.contrib.auth.models import User\n",
        "DJV301",
        tmp_path,
        path="shop/tests/test_x.py",
    )
    check_noop(
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from django.contrib.auth.models import User
        """,
        "DJV301",
        tmp_path / "b",
    )


def test_subclassing_user_keeps_the_finding_without_a_fix(tmp_path):
    [finding] = check(
        """\
        from django.contrib.auth.models import User


        class Staff(User):
            class Meta:
                proxy = True
        """,
        "DJV301",
        tmp_path,
        path="shop/models.py",
    )
    assert finding.fix is None
