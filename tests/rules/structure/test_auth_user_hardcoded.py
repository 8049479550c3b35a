"""DJV302: the fix is safe without a custom user model because Django records every
spelling of the relation the same way in migrations (checked with Django itself)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from djvet.core.model import Applicability
from rules.harness import check, check_noop

DECONSTRUCT = """\
import django
from django.conf import settings

settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"])
django.setup()
from django.contrib.auth.models import User
from django.db import models

seen = set()
for target in (User, "auth.User", settings.AUTH_USER_MODEL):
    _, _, _, kwargs = models.ForeignKey(target, on_delete=models.CASCADE).deconstruct()
    seen.add((str(kwargs["to"]), kwargs["to"].setting_name))
print(sorted(seen))
"""


def test_every_spelling_deconstructs_to_the_swappable_setting():
    result = subprocess.run(
        [sys.executable, "-c", DECONSTRUCT], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "[('auth.user', 'AUTH_USER_MODEL')]", result.stderr


MODEL = """\
from django.contrib.auth.models import User
from django.db import models


class Order(models.Model):
    customer = models.ForeignKey(User, on_delete=models.PROTECT)
"""


def test_fix_is_safe_without_a_custom_user_model(tmp_path):
    [finding] = check(MODEL, "DJV302", tmp_path, path="shop/models.py")
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def test_fix_is_unsafe_when_the_user_model_is_swapped(tmp_path):
    settings = (
        'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "shop", "accounts"]\n'
        'MIDDLEWARE = []\nAUTH_USER_MODEL = "accounts.User"\n'
    )
    accounts = "from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n"
    [finding] = check(
        MODEL,
        "DJV302",
        tmp_path,
        path="shop/models.py",
        files={"mysite/settings.py": settings, "accounts/models.py": accounts},
    )
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


def test_class_attribute_named_settings_elsewhere_does_not_block_the_fix(tmp_path):
    source = MODEL + textwrap.dedent("""\


        class Nap(models.Model):
            settings = object()
        """)
    [finding] = check(source, "DJV302", tmp_path, path="shop/models.py")
    assert finding.fix is not None


def test_custom_user_model_referenced_directly_is_not_flagged(tmp_path):
    check_noop(
        """\
        from django.contrib.auth.models import AbstractUser
        from django.db import models


        class User(AbstractUser):
            invited_by = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
        """,
        "DJV302",
        tmp_path,
        path="accounts/models.py",
    )
