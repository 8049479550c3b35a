"""DJV502-DJV504 edge cases: Django versions, split settings, object storage."""

from __future__ import annotations

from rules.harness import check, check_fixed, check_flags, check_noop

BASE = "config/settings/base.py"
PRODUCTION = "config/settings/production.py"
DJANGO_42 = {"requirements.txt": "Django==4.2.16\n"}
DJANGO_41 = {"requirements.txt": "Django==4.1.13\n"}


def findings(source, code, tmp_path, **kwargs):
    return [d for d in check(source, code, tmp_path, **kwargs) if d.code == code]


def test_old_storage_setting_alone_becomes_storages_safely(tmp_path):
    [finding] = findings(
        'INSTALLED_APPS = []\nSTATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"\n',
        "DJV503",
        tmp_path,
        path="mysite/settings.py",
    )
    assert finding.fix is not None and finding.fix.applicability.label == "safe"
    assert "removed in Django 5.1" in finding.message


def test_django_42_calls_it_deprecated_and_41_has_no_finding(tmp_path):
    source = (
        'INSTALLED_APPS = []\nDEFAULT_FILE_STORAGE = "storages.backends.s3.S3Storage"\n'
    )
    [finding] = findings(
        source, "DJV503", tmp_path / "a", path="mysite/settings.py", files=DJANGO_42
    )
    assert "deprecated" in finding.message
    check_noop(
        source, "DJV503", tmp_path / "b", path="mysite/settings.py", files=DJANGO_41
    )


def test_storages_inherited_from_base_is_merged_unsafely(tmp_path):
    base = {
        BASE: 'INSTALLED_APPS = []\nSTORAGES = {"default": {"BACKEND": "x.Storage"}, '
        '"staticfiles": {"BACKEND": "y.Storage"}}\n'
    }
    check_fixed(
        'from .base import *  # noqa: F403\n\nSTATICFILES_STORAGE = "z.Storage"\n',
        'from .base import *  # noqa: F403\n\nSTORAGES = {**STORAGES, "staticfiles": {"BACKEND": "z.Storage"}}\n',
        "DJV503",
        tmp_path,
        path=PRODUCTION,
        files=base,
    )
    [finding] = findings(
        'from .base import *  # noqa: F403\n\nSTATICFILES_STORAGE = "z.Storage"\n',
        "DJV503",
        tmp_path / "again",
        path=PRODUCTION,
        files=base,
    )
    assert finding.fix.applicability.label == "unsafe"


def test_code_reading_the_old_setting_makes_the_fix_unsafe(tmp_path):
    app = {
        "library/storage.py": "from django.conf import settings\n\nNAME = settings.STATICFILES_STORAGE\n"
    }
    [finding] = findings(
        'INSTALLED_APPS = []\nSTATICFILES_STORAGE = "a.B"\n',
        "DJV503",
        tmp_path,
        path="mysite/settings.py",
        files=app,
    )
    assert finding.fix.applicability.label == "unsafe"


def test_settings_reading_the_old_name_get_no_fix(tmp_path):
    [finding] = findings(
        'INSTALLED_APPS = []\nSTATICFILES_STORAGE = "a.B"\nCOMPRESS_STORAGE = STATICFILES_STORAGE\n',
        "DJV503",
        tmp_path,
        path="mysite/settings.py",
    )
    assert finding.fix is None


def test_static_root_with_os_path_base_dir(tmp_path):
    check_fixed(
        """\
        import os
        BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        """,
        """\
        import os
        BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")
        """,
        "DJV502",
        tmp_path,
        path="mysite/settings.py",
    )


def test_static_root_not_needed_for_object_storage_or_without_staticfiles(tmp_path):
    check_noop(
        """\
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        STORAGES = {
            "default": {"BACKEND": "storages.backends.s3.S3Storage"},
            "staticfiles": {"BACKEND": "storages.backends.s3.S3StaticStorage"},
        }
        """,
        "DJV502",
        tmp_path / "s3",
        path="mysite/settings.py",
    )
    check_noop(
        'INSTALLED_APPS = ["django.contrib.auth"]\n',
        "DJV502",
        tmp_path / "none",
        path="mysite/settings.py",
    )


def test_static_root_without_base_dir_is_reported_without_fix(tmp_path):
    [finding] = findings(
        'INSTALLED_APPS = ["django.contrib.staticfiles"]\n',
        "DJV502",
        tmp_path,
        path="mysite/settings.py",
    )
    assert finding.fix is None


def test_default_storage_gets_a_manifest_storages_block(tmp_path):
    check_fixed(
        """\
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]
        """,
        """\
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]
        STORAGES = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        }
        """,
        "DJV504",
        tmp_path,
        path="mysite/settings.py",
    )


def test_old_setting_before_django_51_is_rewritten_in_place(tmp_path):
    check_fixed(
        """\
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        STATICFILES_STORAGE = 'django.contrib.staticfiles.storage.StaticFilesStorage'
        """,
        """\
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        STATICFILES_STORAGE = 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'
        """,
        "DJV504",
        tmp_path,
        path="mysite/settings.py",
        files=DJANGO_42,
    )


def test_storages_changed_in_place_and_compressor_are_left_alone(tmp_path):
    check_noop(
        """\
        import os
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        STORAGES = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
            STORAGES["staticfiles"] = {"BACKEND": "storages.backends.s3.S3ManifestStaticStorage"}
        """,
        "DJV504",
        tmp_path / "mutated",
        path="mysite/settings.py",
    )
    check_noop(
        'INSTALLED_APPS = ["django.contrib.staticfiles", "compressor"]\n',
        "DJV504",
        tmp_path / "compressor",
        path="mysite/settings.py",
    )


def test_serve_in_a_function_building_patterns_is_flagged(tmp_path):
    check_flags(
        """\
        from django.urls import re_path
        from django.views.static import serve

        urlpatterns = []
        urlpatterns.append(re_path(r"^m/(?P<path>.*)$", serve, {"document_root": "/srv"}))
        """,
        "DJV501",
        tmp_path,
        path="mysite/urls.py",
    )
