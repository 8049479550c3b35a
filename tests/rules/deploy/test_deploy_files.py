"""DJV803 and DJV805 on the documents beside the Python code, through `djvet check`."""

from __future__ import annotations

import textwrap
from pathlib import Path

from djvet.cli import main
from djvet.core.document import language_for_path
from djvet.core.model import Language
from djvet.core.roles import FileRole, roles_for
from rules.tasks._helpers import findings, fixed

SETTINGS = """
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
INSTALLED_APPS = ["django.contrib.auth"]
WSGI_APPLICATION = "config.wsgi.application"
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_deploy_documents_are_read_as_text_with_their_roles():
    for path, role in [
        ("Procfile", FileRole.DEPLOY),
        ("Dockerfile", FileRole.DEPLOY),
        ("docker/Dockerfile-web", FileRole.DEPLOY),
        ("prod.Dockerfile", FileRole.DEPLOY),
        ("docker-compose.prod.yml", FileRole.DEPLOY),
        ("compose.yaml", FileRole.DEPLOY),
        ("deploy/app.service", FileRole.DEPLOY),
        ("requirements/base.txt", FileRole.REQUIREMENTS),
        ("pyproject.toml", FileRole.PYPROJECT),
    ]:
        assert language_for_path(path) is Language.TEXT, path
        assert roles_for(path) & role, path


def test_djvet_check_finds_runserver_in_every_kind_of_deploy_file(tmp_path, capsys):
    _write(
        tmp_path,
        {
            "config/__init__.py": "",
            "config/settings.py": SETTINGS,
            "Procfile": "web: python manage.py runserver 0.0.0.0:$PORT\n",
            "Dockerfile": """
            FROM python:3.12 AS base
            COPY . /app

            FROM base AS development
            CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

            FROM base AS production
            CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
            """,
            "docker-compose.yml": """
            services:
              web:
                build: .
                command: sh -c "python manage.py migrate && python manage.py runserver 0.0.0.0:8000"
              dev:
                build: .
                command: python manage.py runserver 0.0.0.0:8001
                volumes:
                  - .:/app
            """,
            "docker-compose.dev.yml": "services:\n  web:\n    command: python manage.py runserver\n",
            "deploy/app.service": "[Service]\nExecStart=/srv/venv/bin/python /srv/app/manage.py runserver 8000\n",
        },
    )
    main(
        [
            "check",
            str(tmp_path),
            "--select",
            "DJV803",
            "--output-format",
            "concise",
            "--exit-zero",
            "--no-cache",
        ]
    )
    lines = sorted(
        line.split(": DJV")[0].replace(f"{tmp_path}/", "")
        for line in capsys.readouterr().out.splitlines()
        if ": DJV" in line
    )
    assert lines == [
        "Dockerfile:9:5",
        "Procfile:1:6",
        "deploy/app.service:2:11",
        "docker-compose.yml:5:49",
    ]

    main(
        [
            "check",
            str(tmp_path),
            "--select",
            "DJV803",
            "--fix",
            "--unsafe-fixes",
            "--exit-zero",
            "--no-cache",
        ]
    )
    assert (
        tmp_path / "Procfile"
    ).read_text() == "web: gunicorn config.wsgi --bind 0.0.0.0:$PORT\n"
    assert (
        'CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]'
        in (tmp_path / "Dockerfile").read_text()
    )
    assert (
        "python manage.py migrate && gunicorn config.wsgi --bind 0.0.0.0:8000"
        in (tmp_path / "docker-compose.yml").read_text()
    )
    assert (
        "ExecStart=/srv/venv/bin/gunicorn config.wsgi --chdir /srv/app --bind 127.0.0.1:8000"
        in (tmp_path / "deploy/app.service").read_text()
    )


def test_compose_file_next_to_a_production_one_is_for_development(tmp_path):
    files = {
        "docker-compose.yml": "services:\n  web:\n    command: python manage.py runserver 0:8000\n",
        "docker-compose.prod.yml": "services:\n  web:\n    command: gunicorn config.wsgi\n",
    }
    assert findings(tmp_path, files, "docker-compose.yml", "DJV803") == []


def test_channels_projects_get_no_gunicorn_fix(tmp_path):
    settings = SETTINGS.replace(
        '"django.contrib.auth"]', '"django.contrib.auth", "daphne", "channels"]'
    )
    files = {
        "config/settings.py": settings,
        "Procfile": "web: python manage.py runserver 0.0.0.0:$PORT\n",
    }
    found = findings(tmp_path, files, "Procfile", "DJV803")
    assert len(found) == 1 and found[0].fix is None


PYPROJECT = """
[project]
name = "shop"
dependencies = [
    "django>=5.2,<5.3",
    "celery",  # unpinned
]

[project.optional-dependencies]
dev = ["pytest", "ruff==0.6.9"]

[tool.poetry.dependencies]
python = "^3.12"
redis = "*"
whitenoise = { version = "^6.7", extras = ["brotli"] }
internal = { git = "https://example.com/internal.git" }
"""


def test_pyproject_dependencies_without_versions(tmp_path):
    found = findings(
        tmp_path, {"pyproject.toml": PYPROJECT}, "pyproject.toml", "DJV805"
    )
    assert [(d.span.start_line, d.message.split("`")[1]) for d in found] == [
        (5, "celery"),
        (9, "pytest"),
        (13, "redis"),
    ]


def test_a_lock_file_pins_pyproject_dependencies(tmp_path):
    files = {"pyproject.toml": PYPROJECT, "uv.lock": "version = 1\n"}
    assert findings(tmp_path, files, "pyproject.toml", "DJV805") == []


def test_pip_tools_inputs_are_not_pins(tmp_path):
    files = {
        "requirements.in": "celery\n",
        "requirements.txt": "celery==5.4.0\n",
        "dev-requirements.txt": "pytest\n",
        "dev-requirements.in": "pytest\n",
    }
    assert findings(tmp_path, files, "requirements.in", "DJV805") == []
    assert findings(tmp_path / "b", files, "dev-requirements.txt", "DJV805") == []


def test_fix_of_runserver_is_verified_against_its_own_finding(tmp_path):
    files = {
        "config/settings.py": SETTINGS,
        "config/__init__.py": "",
        "Procfile": "web: python manage.py runserver --settings=config.prod 0.0.0.0:$PORT\n",
    }
    result = fixed(tmp_path, files, "Procfile", "DJV803")
    assert result["Procfile"] == (
        "web: gunicorn config.wsgi --bind 0.0.0.0:$PORT --env DJANGO_SETTINGS_MODULE=config.prod\n"
    )


def test_comments_and_packages_in_pyproject(tmp_path):
    commented = PYPROJECT.replace(
        '    "celery",  # unpinned\n',
        '    # the "friendly" fork\n    "celery==5.4.0",\n',
    )
    found = findings(
        tmp_path, {"pyproject.toml": commented}, "pyproject.toml", "DJV805"
    )
    assert [d.message.split("`")[1] for d in found] == ["pytest", "redis"]
    package = '[build-system]\nrequires = ["setuptools"]\n' + PYPROJECT
    assert (
        findings(
            tmp_path / "b", {"pyproject.toml": package}, "pyproject.toml", "DJV805"
        )
        == []
    )


def test_names_pinned_by_a_sibling_requirements_file(tmp_path):
    files = {
        "base_requirements.txt": "Django\ncelery\nrich\n",
        "requirements.txt": "Django==5.2.4\ncelery==5.4.0\n",
    }
    found = findings(tmp_path, files, "base_requirements.txt", "DJV805")
    assert [d.message.split("`")[1] for d in found] == ["rich"]
