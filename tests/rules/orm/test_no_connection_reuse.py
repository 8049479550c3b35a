"""DJV122 no-connection-reuse, and the Django version it depends on."""

from __future__ import annotations

import textwrap

from djvet.engine import check_document
from djvet.project.versions import django_version, parse_lock, parse_requirements
from rules.harness import make_project

CODE = "DJV122"
SETTINGS = """\
SECRET_KEY = "x"
INSTALLED_APPS = ["django.contrib.auth"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
    }
}
"""


def finding(
    tmp_path,
    files: dict[str, str],
    config: dict | None = None,
    settings: str = SETTINGS,
):
    project = make_project(
        tmp_path, {"mysite/settings.py": settings, **files}, (CODE,), config
    )
    document = project.document(str(tmp_path / "mysite/settings.py"))
    found = [d for d in check_document(document, project) if d.code == CODE]
    return project, found


def test_pool_with_django_5_1_and_psycopg_3(tmp_path):
    _, [found] = finding(
        tmp_path, {"requirements.txt": "Django==5.1.4\npsycopg[binary,pool]==3.2\n"}
    )
    assert "connection pool" in found.message
    assert found.fix.edits[0].new_text == '\n        "OPTIONS": {"pool": True},'


def test_conn_max_age_with_psycopg2_or_older_django(tmp_path):
    _, [found] = finding(
        tmp_path / "a", {"requirements.txt": "Django==5.1\npsycopg2-binary==2.9\n"}
    )
    assert "`CONN_MAX_AGE`" in found.message
    _, [found] = finding(
        tmp_path / "b", {"requirements.txt": "django>=4.0,<4.1\npsycopg==3.1\n"}
    )
    assert [e.new_text for e in found.fix.edits] == ['\n        "CONN_MAX_AGE": 60,']


def test_configured_version_wins_over_pins(tmp_path):
    project, _ = finding(
        tmp_path,
        {
            "requirements.txt": "Django==4.2\n",
            "uv.lock": 'name = "django"\nversion = "5.0.3"\n',
        },
        config={"django-version": "5.2"},
    )
    assert (
        django_version(project).version == (5, 2)
        and django_version(project).source == "config"
    )


def test_updates_djvet_cannot_follow_keep_it_quiet(tmp_path):
    settings = SETTINGS + 'DATABASES["default"]["CONN_MAX_AGE"] = 600\n'
    _, found = finding(tmp_path, {}, settings=settings)
    assert found == []


def test_development_settings_are_not_checked(tmp_path):
    good = SETTINGS.replace(
        '"NAME": "shop",', '"NAME": "shop",\n        "CONN_MAX_AGE": 60,'
    )
    files = {
        "mysite/settings/__init__.py": "",
        "mysite/settings/dev.py": textwrap.dedent(SETTINGS),
        "mysite/settings/production.py": good,
    }
    project = make_project(tmp_path, files, (CODE,))
    document = project.document(str(tmp_path / "mysite/settings/dev.py"))
    assert [d for d in check_document(document, project) if d.code == CODE] == []


def test_requirement_and_lock_parsing():
    assert parse_requirements(
        "django-environ==1\nDjango~=4.2.1 ; python_version>'3'\n"
    ) == ((4, 2, 1), True)
    assert parse_requirements('dependencies = ["Django>=5.0,<6"]') == ((5, 0), False)
    assert parse_requirements('django = "^4.2"') == ((4, 2), True)
    assert parse_lock('[[package]]\nname = "Django"\nversion = "5.1.2"\n') == (5, 1, 2)
    assert parse_lock(
        '{"default": {"django": {"hashes": [], "version": "==4.2.9"}}}'
    ) == (4, 2, 9)
