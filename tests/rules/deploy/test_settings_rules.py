"""DJV801/802/804/806/807 and DJV901 on split settings: only what production runs."""

from __future__ import annotations

from rules.tasks._helpers import findings, fixed

BASE = """
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "PASSWORD": "local-pw"}}
EMAIL_HOST_PASSWORD = "dev-mail-pw"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
"""
PRODUCTION = """
import os

from .base import *

DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop",
                         "PASSWORD": os.environ["DB_PASSWORD"]}}
EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LOGGING = {"version": 1}
"""
DEVELOPMENT = """
from .base import *

DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "PASSWORD": "dev"}}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
"""


def _split(**overrides: str) -> dict[str, str]:
    files = {
        "config/settings/__init__.py": "",
        "config/settings/base.py": BASE,
        "config/settings/production.py": PRODUCTION,
        "config/settings/development.py": DEVELOPMENT,
    }
    files.update(overrides)
    return files


def test_values_production_overrides_are_not_reported_in_base(tmp_path):
    for code in ("DJV801", "DJV802", "DJV806", "DJV804"):
        assert (
            findings(tmp_path / code, _split(), "config/settings/base.py", code) == []
        ), code
        assert (
            findings(
                tmp_path / f"{code}d", _split(), "config/settings/development.py", code
            )
            == []
        ), code


def test_base_values_production_inherits_are_reported_in_base(tmp_path):
    production = "from .base import *\nLOGGING = {'version': 1}\n"
    files = _split(**{"config/settings/production.py": production})
    assert [
        d.span.start_line
        for d in findings(tmp_path, files, "config/settings/base.py", "DJV801")
    ] == [6]
    assert [
        d.span.start_line
        for d in findings(tmp_path / "b", files, "config/settings/base.py", "DJV802")
    ] == [7]
    assert [
        d.span.start_line
        for d in findings(tmp_path / "c", files, "config/settings/base.py", "DJV806")
    ] == [8]


def test_missing_logging_is_reported_on_the_production_module(tmp_path):
    production = PRODUCTION.replace('LOGGING = {"version": 1}\n', "")
    files = _split(**{"config/settings/production.py": production})
    found = findings(tmp_path, files, "config/settings/production.py", "DJV804")
    assert [d.span.start_line for d in found] == [8]
    assert findings(tmp_path / "b", files, "config/settings/base.py", "DJV804") == []


def test_debug_toolbar_moves_to_the_development_module(tmp_path):
    base = BASE.replace(
        '"django.contrib.auth"]', '"django.contrib.auth", "debug_toolbar"]'
    )
    files = fixed(
        tmp_path,
        _split(**{"config/settings/base.py": base}),
        "config/settings/base.py",
        "DJV901",
    )
    assert '"django.contrib.auth"]' in files["config/settings/base.py"]
    assert files["config/settings/development.py"].endswith(
        'INSTALLED_APPS += ["debug_toolbar"]\n'
    )


def test_conditional_debug_toolbar_is_fine(tmp_path):
    base = (
        BASE
        + '\nif os.environ.get("TOOLBAR"):\n    INSTALLED_APPS += ["debug_toolbar"]\n'
    )
    assert (
        findings(
            tmp_path,
            _split(**{"config/settings/base.py": base}),
            "config/settings/base.py",
            "DJV901",
        )
        == []
    )


def test_health_check_packages_count(tmp_path):
    settings = 'INSTALLED_APPS = ["django.contrib.auth", "health_check"]\nROOT_URLCONF = "config.urls"\n'
    urls = """
    from django.urls import include, path

    urlpatterns = [path("ht/", include("health_check.urls"))]
    """
    files = {"config/settings.py": settings, "config/urls.py": urls}
    assert findings(tmp_path, files, "config/urls.py", "DJV807") == []
    bare = {"config/settings.py": settings, "config/urls.py": "urlpatterns = []\n"}
    assert len(findings(tmp_path / "b", bare, "config/urls.py", "DJV807")) == 1
