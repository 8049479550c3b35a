"""File roles from path and content, table-driven like django-upgrade's test_data.py."""

from __future__ import annotations

import pytest

from djvet.core.roles import FileRole, is_requirements_file, roles_for

R = FileRole
PY = R.PYTHON
SETTINGS_TEXT = 'SECRET_KEY = "x"\nINSTALLED_APPS = []\n'


@pytest.mark.parametrize(
    ("path", "text", "roles"),
    [
        # settings by name (with settings-like content) ...
        ("mysite/settings.py", "DEBUG = True\n", PY | R.SETTINGS),
        ("mysite/settings.py", "", PY),  # an empty module named settings is not one
        ("config/settings/base.py", "TIME_ZONE = 'UTC'\n", PY | R.SETTINGS),
        ("config/settings/production.py", "from .base import *\n", PY | R.SETTINGS),
        ("config/settings/__init__.py", "from .production import *\n", PY | R.SETTINGS),
        ("config/settings/__init__.py", "", PY),
        ("mysite/settings_local.py", "DEBUG = True\n", PY | R.SETTINGS),
        ("mysite/local_settings.py", "DEBUG = True\n", PY | R.SETTINGS),
        (
            "mysite/test_settings.py",
            "from .settings import *\nDEBUG = False\n",
            PY | R.SETTINGS,
        ),
        (
            "tests/settings.py",
            "SECRET_KEY = 'x'\n",
            PY | R.SETTINGS,
        ),  # settings, not a test
        # ... and by content alone: two well-known settings at top level
        ("conf/prod.py", SETTINGS_TEXT, PY | R.SETTINGS),
        ("conf/prod.py", 'SECRET_KEY = "x"\n', PY),
        ("app/constants.py", "MAX_ITEMS = 5\nTIMEOUT = 3\n", PY),
        ("app/migrations/0002_data.py", SETTINGS_TEXT, PY | R.MIGRATIONS),
        # Django modules by name
        ("library/models.py", "", PY | R.MODELS),
        ("library/models/book.py", "", PY | R.MODELS),
        ("library/views.py", "", PY | R.VIEWS),
        ("library/views/list.py", "", PY | R.VIEWS),
        ("library/api/views.py", "", PY | R.VIEWS),
        ("library/viewsets.py", "", PY | R.VIEWS),
        ("library/urls.py", "", PY | R.URLS),
        ("library/admin.py", "", PY | R.ADMIN),
        ("library/serializers.py", "", PY | R.SERIALIZERS),
        ("library/forms.py", "", PY | R.FORMS),
        ("library/tasks.py", "", PY | R.TASKS),
        ("library/services.py", "", PY),
        # migrations: every module of a migrations package but the private ones
        ("library/migrations/0001_initial.py", "", PY | R.MIGRATIONS),
        ("library/migrations/0002_auto_20240101_1200.py", "", PY | R.MIGRATIONS),
        ("library/migrations/add_index.py", "", PY | R.MIGRATIONS),
        ("library/migrations/__init__.py", "", PY),
        ("library/migrations/_helpers.py", "", PY),
        # tests
        ("library/tests.py", "", PY | R.TESTS),
        ("library/tests/test_views.py", "", PY | R.TESTS),
        ("library/tests/factories.py", "", PY | R.TESTS),
        ("library/test_models.py", "", PY | R.TESTS),
        ("library/models_test.py", "", PY | R.TESTS),
        ("conftest.py", "", PY | R.TESTS),
        ("library/testing.py", "", PY),
        ("library/latest.py", "", PY),
        # management commands
        ("library/management/commands/rebuild.py", "", PY | R.COMMANDS),
        ("library/management/commands/__init__.py", "", PY),
        ("library/management/commands/_base.py", "", PY),
        ("library/management/utils.py", "", PY),
        # templates
        ("library/templates/library/list.html", "", R.TEMPLATES),
        ("templates/base.html", "", R.TEMPLATES),
        ("templates/emails/welcome.txt", "", R.TEMPLATES),
        # requirements and packaging
        ("requirements.txt", "", R.REQUIREMENTS),
        ("requirements-dev.txt", "", R.REQUIREMENTS),
        ("dev-requirements.in", "", R.REQUIREMENTS),
        ("requirements/production.txt", "", R.REQUIREMENTS),
        ("pyproject.toml", "", R.PYPROJECT | R.REQUIREMENTS),
        ("docs/requirements.md", "", R.NONE),
        # deployment
        ("Procfile", "", R.DEPLOY),
        ("Dockerfile", "", R.DEPLOY),
        ("docker/Dockerfile.prod", "", R.DEPLOY),
        ("deploy/web.dockerfile", "", R.DEPLOY),
        ("Containerfile", "", R.DEPLOY),
        ("docker-compose.yml", "", R.DEPLOY),
        ("docker-compose.prod.yaml", "", R.DEPLOY),
        ("compose.yaml", "", R.DEPLOY),
        ("deploy/gunicorn.service", "", R.DEPLOY),
        ("deploy/nginx.conf", "", R.NONE),
        ("README.md", "", R.NONE),
        # Windows separators and case
        ("mysite\\Settings.py", "DEBUG = True\n", PY | R.SETTINGS),
        ("Library\\Migrations\\0001_initial.py", "", PY | R.MIGRATIONS),
    ],
)
def test_roles(path: str, text: str, roles: FileRole) -> None:
    assert roles_for(path, text) == roles


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("requirements.txt", True),
        ("requirements.in", True),
        ("requirements", True),
        ("requirements_test.txt", True),
        ("prod.requirements.txt", True),
        ("requirements/base.txt", True),
        ("deps/requirements/base.in", True),
        ("requirements/README.md", False),
        ("myrequirements.txt", False),
        ("notes.txt", False),
    ],
)
def test_is_requirements_file(path: str, expected: bool) -> None:
    assert is_requirements_file(path) is expected


def test_any_includes_every_role() -> None:
    for role in FileRole:
        assert role in FileRole.ANY
