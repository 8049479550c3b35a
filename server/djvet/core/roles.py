"""File roles: what a file is in a Django project, from its path and its content.

Rules declare the roles they apply to (`applies_to=FileRole.SETTINGS`), so a settings
rule never runs on a view and a migration rule never runs on a model.
"""

from __future__ import annotations

import re
from enum import Flag, auto
from pathlib import PurePosixPath


class FileRole(Flag):
    NONE = 0
    SETTINGS = auto()
    MODELS = auto()
    VIEWS = auto()
    URLS = auto()
    ADMIN = auto()
    SERIALIZERS = auto()
    FORMS = auto()
    MIGRATIONS = auto()
    TESTS = auto()
    TASKS = auto()
    COMMANDS = auto()
    TEMPLATES = auto()
    REQUIREMENTS = auto()
    DEPLOY = auto()  # Procfile, Dockerfile, compose files, systemd units
    PYPROJECT = auto()
    PYTHON = auto()  # any Python module

    ANY = (
        SETTINGS
        | MODELS
        | VIEWS
        | URLS
        | ADMIN
        | SERIALIZERS
        | FORMS
        | MIGRATIONS
        | TESTS
        | TASKS
        | COMMANDS
        | TEMPLATES
        | REQUIREMENTS
        | DEPLOY
        | PYPROJECT
        | PYTHON
    )
    APP_CODE = (
        VIEWS | URLS | ADMIN | SERIALIZERS | FORMS | MODELS | TASKS | COMMANDS | PYTHON
    )


# A module that assigns two of these at top level is a settings module, whatever its name.
_SETTINGS_NAMES = re.compile(
    r"^(INSTALLED_APPS|MIDDLEWARE|ROOT_URLCONF|DATABASES|SECRET_KEY|ALLOWED_HOSTS"
    r"|TEMPLATES|WSGI_APPLICATION|AUTH_PASSWORD_VALIDATORS|STATIC_URL)\s*[+]?=",
    re.MULTILINE,
)
_STAR_IMPORT_OF_SETTINGS = re.compile(
    r"^from\s+\S*(settings|base|common)\S*\s+import\s+\*", re.M
)
_STAR_IMPORT = re.compile(r"^from\s+\S+\s+import\s+\*", re.M)

_STEM_ROLES = {
    "models": FileRole.MODELS,
    "views": FileRole.VIEWS,
    "viewsets": FileRole.VIEWS,
    "api": FileRole.VIEWS,
    "urls": FileRole.URLS,
    "admin": FileRole.ADMIN,
    "serializers": FileRole.SERIALIZERS,
    "forms": FileRole.FORMS,
    "tasks": FileRole.TASKS,
    "conftest": FileRole.TESTS,
}
_DIR_ROLES = {
    "models": FileRole.MODELS,
    "views": FileRole.VIEWS,
    "api": FileRole.VIEWS,
    "serializers": FileRole.SERIALIZERS,
    "tests": FileRole.TESTS,
    "tasks": FileRole.TASKS,
    "forms": FileRole.FORMS,
    "urls": FileRole.URLS,
    "admin": FileRole.ADMIN,
}


_TEST_STEM = re.compile(r"^(test_.*|.*_tests?|tests|conftest)$")
_SETTINGS_STEM = re.compile(r"^(settings|settings_.*|.*_settings)$")
_REQUIREMENTS = re.compile(
    r"^((.*[-_.])?requirements([-_.].*)?\.(txt|in)|requirements)$"
)


def is_requirements_file(path: str) -> bool:
    """pip requirement files by name, or any `.txt`/`.in` in a `requirements/` folder."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if _REQUIREMENTS.match(pure.name.lower()):
        return True
    return pure.parent.name.lower() == "requirements" and pure.suffix.lower() in (
        ".txt",
        ".in",
    )


def _python_roles(parts: tuple[str, ...], stem: str, text: str) -> FileRole:
    roles = FileRole.PYTHON | _STEM_ROLES.get(stem, FileRole.NONE)
    folders = parts[:-1]
    for folder in folders:
        roles |= _DIR_ROLES.get(folder, FileRole.NONE)
    settings = _is_settings(folders, stem, text)
    if settings:
        roles |= FileRole.SETTINGS
        if _SETTINGS_STEM.match(stem):
            # `test_settings.py` configures the test run; it is not a test module.
            roles &= ~FileRole.TESTS
    elif _TEST_STEM.match(stem):
        roles |= FileRole.TESTS
    # Django loads every module of a `migrations` package but those starting with `_`.
    if folders[-1:] == ("migrations",) and not stem.startswith("_"):
        roles |= FileRole.MIGRATIONS
    if folders[-2:] == ("management", "commands") and not stem.startswith("_"):
        roles |= FileRole.COMMANDS
    return roles


def _looks_like_settings(text: str, *, in_settings_folder: bool) -> bool:
    # In a settings package, `from .production import *` is all an `__init__` may hold.
    star = _STAR_IMPORT if in_settings_folder else _STAR_IMPORT_OF_SETTINGS
    return bool(
        _SETTINGS_NAMES.search(text)
        or star.search(text)
        or re.search(r"^[A-Z][A-Z0-9_]*\s*=", text, re.M)
    )


def _is_settings(folders: tuple[str, ...], stem: str, text: str) -> bool:
    """By name (`settings.py`, `settings/prod.py`, `test_settings.py`) with settings-like
    content, or by content alone: two well-known settings assigned at top level."""
    if "migrations" in folders:
        return False
    in_folder = "settings" in folders
    if (_SETTINGS_STEM.match(stem) or in_folder) and _looks_like_settings(
        text, in_settings_folder=in_folder
    ):
        return True
    return len({m.group(1) for m in _SETTINGS_NAMES.finditer(text)}) >= 2


def _is_deploy(name: str, suffix: str) -> bool:
    return (
        name in ("procfile", "dockerfile", "containerfile")
        or name.startswith(("dockerfile.", "dockerfile-", "docker-compose", "compose."))
        or suffix in (".dockerfile", ".service")
    )


def roles_for(path: str, text: str = "") -> FileRole:
    """Every role that fits the file at `path` (relative or absolute) holding `text`."""
    pure = PurePosixPath(path.replace("\\", "/"))
    parts = tuple(p.lower() for p in pure.parts)
    name = pure.name.lower()
    suffix = pure.suffix.lower()
    if suffix in (".py", ".pyi"):
        return _python_roles(parts, pure.stem.lower(), text)
    if "templates" in parts[:-1]:
        return FileRole.TEMPLATES
    if is_requirements_file(path):
        return FileRole.REQUIREMENTS
    if name == "pyproject.toml":
        return FileRole.PYPROJECT | FileRole.REQUIREMENTS
    if _is_deploy(name, suffix):
        return FileRole.DEPLOY
    return FileRole.NONE
