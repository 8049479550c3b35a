"""DJV501 edge cases: which urlconfs production routes."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

URLS = """
from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import path

urlpatterns = [path("", lambda request: None)]
urlpatterns += staticfiles_urlpatterns()
"""
TEST_SETTINGS = {
    "mysite/test/settings.py": 'INSTALLED_APPS = []\nROOT_URLCONF = "mysite.test.urls"\n'
}
PRODUCTION_SETTINGS = {
    "mysite/settings.py": 'INSTALLED_APPS = []\nROOT_URLCONF = "mysite.test.urls"\n'
}


def test_urlconf_of_test_settings_only_is_not_flagged(tmp_path):
    # Wagtail's `wagtail/test/urls.py`: the test project's root urlconf never runs in production.
    check_noop(
        URLS, "DJV501", tmp_path, path="mysite/test/urls.py", files=TEST_SETTINGS
    )


def test_urlconf_of_production_settings_is_flagged(tmp_path):
    check_flags(
        URLS, "DJV501", tmp_path, path="mysite/test/urls.py", files=PRODUCTION_SETTINGS
    )


def test_urlconf_nobody_names_is_flagged(tmp_path):
    check_flags(URLS, "DJV501", tmp_path, path="mysite/test/urls.py")
