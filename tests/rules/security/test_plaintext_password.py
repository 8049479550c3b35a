"""DJV229 edge cases on the shared `library` project (custom `library.User`)."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

CODE = "DJV229"
PATH = "library/views.py"


def test_self_in_the_user_model(tmp_path):
    settings = (
        'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "accounts"]\n'
        'AUTH_USER_MODEL = "accounts.Member"\nROOT_URLCONF = "mysite.urls"\n'
    )
    found = check_flags(
        """\
        from django.contrib.auth.models import AbstractUser


        class Member(AbstractUser):
            def reset(self, raw):
                self.password = raw
        """,
        CODE,
        tmp_path,
        path="accounts/models.py",
        files={"mysite/settings.py": settings},
    )
    assert found[0].fix.edits[0].new_text == "self.set_password(raw)"


def test_instances_the_evaluator_knows(tmp_path):
    check_flags(
        """\
        from library.models import User


        def reset(raw):
            account = User.objects.get(pk=1)
            account.password = raw
        """,
        CODE,
        tmp_path,
        path=PATH,
        project="library",
    )


def test_other_models_are_not_users(tmp_path):
    check_noop(
        """\
        from library.models import Book


        def f(raw):
            book = Book.objects.get(pk=1)
            book.password = raw
        """,
        CODE,
        tmp_path,
        path=PATH,
        project="library",
    )
