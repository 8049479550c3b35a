"""DJV603 and DJV604 edge cases."""

from __future__ import annotations

from rules.harness import check_fixed, check_flags, check_noop

BASE = {
    "config/settings/base.py": 'INSTALLED_APPS = ["django.contrib.auth"]\nMIDDLEWARE = []\n'
}
TEST_SETTINGS = "config/settings/test.py"


def test_own_hasher_list_gets_md5_first(tmp_path):
    check_fixed(
        """\
        from .base import *  # noqa: F403

        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        """,
        """\
        from .base import *  # noqa: F403

        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        """,
        "DJV603",
        tmp_path,
        path=TEST_SETTINGS,
        files=BASE,
    )


def test_inherited_slow_list_is_overridden_in_the_test_module(tmp_path):
    base = {
        "config/settings/base.py": 'INSTALLED_APPS = ["django.contrib.auth"]\n'
        'PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]\n'
    }
    check_fixed(
        """\
        from .base import *  # noqa: F403
        """,
        """\
        from .base import *  # noqa: F403
        PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
        """,
        "DJV603",
        tmp_path,
        path=TEST_SETTINGS,
        files=base,
    )


def test_production_and_development_settings_are_not_checked(tmp_path):
    check_noop(
        "from .base import *  # noqa: F403\n",
        "DJV603",
        tmp_path / "p",
        path="config/settings/production.py",
        files=BASE,
    )
    check_noop(
        "from .base import *  # noqa: F403\n",
        "DJV603",
        tmp_path / "d",
        path="config/settings/development.py",
        files=BASE,
    )


def test_hasher_switched_by_a_conftest_fixture(tmp_path):
    conftest = {
        "conftest.py": "import pytest\n\n\n@pytest.fixture(autouse=True)\ndef fast(settings):\n"
        "    settings.PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n"
    }
    check_noop(
        "from .base import *  # noqa: F403\n",
        "DJV603",
        tmp_path,
        path=TEST_SETTINGS,
        files={**BASE, **conftest},
    )


def test_projects_without_auth_are_fine(tmp_path):
    check_noop(
        'INSTALLED_APPS = ["django.contrib.contenttypes"]\n',
        "DJV603",
        tmp_path,
        path="tests/settings.py",
    )


APP_MODELS = (
    "from django.db import models\n\n\nclass Invoice(models.Model):\n    pass\n"
)


def test_app_tested_by_url_namespace(tmp_path):
    tests = {
        "tests/test_urls.py": "from django.urls import reverse\n\n\ndef test_list(client):\n"
        '    assert client.get(reverse("billing:list")).status_code == 200\n'
    }
    check_noop(APP_MODELS, "DJV604", tmp_path, path="billing/models.py", files=tests)


def test_app_tested_from_a_src_layout_import(tmp_path):
    tests = {"tests/test_billing.py": "from billing.models import Invoice\n"}
    check_noop(
        APP_MODELS, "DJV604", tmp_path, path="src/billing/models.py", files=tests
    )


def test_app_with_views_only_reports_on_views(tmp_path):
    found = check_flags(
        """\
        from django.http import HttpResponse


        def invoice_list(request):
            return HttpResponse("")
        """,
        "DJV604",
        tmp_path,
        path="billing/views.py",
        files={
            "billing/apps.py": "from django.apps import AppConfig\n\n\nclass BillingConfig(AppConfig):\n"
            "    name = 'billing'\n"
        },
    )
    assert found[0].span.start_line == 3 and "views" in found[0].message


def test_a_views_module_of_a_sub_package_is_not_an_app(tmp_path):
    check_noop(
        "from django.http import HttpResponse\n\n\ndef items(request):\n    return HttpResponse('')\n",
        "DJV604",
        tmp_path,
        path="billing/api/views.py",
        files={
            "billing/tests.py": "from billing.models import Invoice\n",
            "billing/models.py": APP_MODELS,
        },
    )


def test_app_named_in_strings_by_the_tests(tmp_path):
    tests = {
        "tests/test_dynamic.py": "from oscar.core.loading import get_model\n\n"
        'Invoice = get_model("billing", "Invoice")\n'
    }
    check_noop(APP_MODELS, "DJV604", tmp_path, path="billing/models.py", files=tests)


def test_views_are_not_reported_when_models_carry_the_finding(tmp_path):
    check_noop(
        "def invoice_list(request):\n    return None\n",
        "DJV604",
        tmp_path,
        path="billing/views.py",
        files={"billing/models.py": APP_MODELS},
    )


def test_test_apps_are_not_apps_to_test(tmp_path):
    check_noop(APP_MODELS, "DJV604", tmp_path, path="tests/testapp/models.py")


def test_ci_settings_count_only_when_a_runner_names_them(tmp_path):
    check_noop(
        "from .base import *  # noqa: F403\n",
        "DJV603",
        tmp_path / "a",
        path="config/settings/ci.py",
        files=BASE,
    )
    runner = {"pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = config.settings.ci\n"}
    check_flags(
        "from .base import *  # noqa: F403\n",
        "DJV603",
        tmp_path / "b",
        path="config/settings/ci.py",
        files={**BASE, **runner},
    )


def test_app_tested_by_a_drf_router_url_name(tmp_path):
    # taiga: `reverse("feedback-list")` of a router registered with basename "feedback".
    tests = {
        "tests/integration/test_api.py": "from django.urls import reverse\n\n\ndef test_list(client):\n"
        '    assert client.get(reverse("billing-list")).status_code == 200\n'
    }
    check_noop(
        APP_MODELS, "DJV604", tmp_path, path="shop/billing/models.py", files=tests
    )


def test_app_tested_by_a_module_named_after_it(tmp_path):
    tests = {
        "tests/integration/test_billing.py": "def test_totals(client):\n    assert client.get('/x')\n"
    }
    check_noop(
        APP_MODELS, "DJV604", tmp_path, path="shop/billing/models.py", files=tests
    )


def test_app_tested_through_a_re_exported_model(tmp_path):
    # DefectDojo: `from dojo.models import FileUpload`, defined in dojo/file_uploads/models.py.
    files = {
        "shop/models.py": "from shop.billing.models import Invoice  # noqa: F401\n",
        "tests/test_uploads.py": "from shop.models import (\n    Invoice,  # re-exported\n)\n",
    }
    check_noop(
        APP_MODELS, "DJV604", tmp_path, path="shop/billing/models.py", files=files
    )


def test_a_model_name_two_apps_define_proves_nothing(tmp_path):
    files = {
        "shop/orders/models.py": APP_MODELS,
        "shop/orders/tests.py": "from .models import Invoice\n",
        "tests/test_misc.py": "from shop.orders.models import Invoice\n",
    }
    check_flags(
        APP_MODELS, "DJV604", tmp_path, path="shop/billing/models.py", files=files
    )
