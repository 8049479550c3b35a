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
        SETTINGS | MODELS | VIEWS | URLS | ADMIN | SERIALIZERS | FORMS | MIGRATIONS | TESTS
        | TASKS | COMMANDS | TEMPLATES | REQUIREMENTS | DEPLOY | PYPROJECT | PYTHON
    )
    APP_CODE = VIEWS | URLS | ADMIN | SERIALIZERS | FORMS | MODELS | TASKS | COMMANDS | PYTHON


# A module that assigns two of these at top level is a settings module, whatever its name.
_SETTINGS_NAMES = re.compile(
    r"^(INSTALLED_APPS|MIDDLEWARE|ROOT_URLCONF|DATABASES|SECRET_KEY|ALLOWED_HOSTS"
    r"|TEMPLATES|WSGI_APPLICATION|AUTH_PASSWORD_VALIDATORS|STATIC_URL)\s*[+]?=",
    re.MULTILINE,
)
_STAR_IMPORT_OF_SETTINGS = re.compile(r"^from\s+\S*(settings|base|common)\S*\s+import\s+\*", re.M)

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
    "migrations": FileRole.MIGRATIONS,
    "tests": FileRole.TESTS,
    "tasks": FileRole.TASKS,
    "forms": FileRole.FORMS,
    "urls": FileRole.URLS,
    "admin": FileRole.ADMIN,
}


def _python_roles(parts: tuple[str, ...], stem: str, text: str) -> FileRole:
    roles = FileRole.PYTHON
    folders = parts[:-1]
    roles |= _STEM_ROLES.get(stem, FileRole.NONE)
    for folder in folders:
        roles |= _DIR_ROLES.get(folder, FileRole.NONE)
    if stem.startswith("test_") or stem.endswith("_test") or stem == "tests":
        roles |= FileRole.TESTS
    if "migrations" in folders and re.match(r"\d{4}_|__init__", stem) is None:
        roles &= ~FileRole.MIGRATIONS
    if "management" in folders and "commands" in folders:
        roles |= FileRole.COMMANDS
    if _is_settings(folders, stem, text):
        roles |= FileRole.SETTINGS
    return roles


def _is_settings(folders: tuple[str, ...], stem: str, text: str) -> bool:
    if stem == "__init__" and not _SETTINGS_NAMES.search(text):
        return False
    if stem == "settings" or stem.startswith("settings_") or "settings" in folders:
        return bool(_SETTINGS_NAMES.search(text) or _STAR_IMPORT_OF_SETTINGS.search(text)
                    or re.search(r"^[A-Z][A-Z0-9_]+\s*=", text, re.M))
    return len(set(m.group(1) for m in _SETTINGS_NAMES.finditer(text))) >= 2


def roles_for(path: str, text: str = "") -> FileRole:
    """Every role that fits the file at `path` (relative or absolute) holding `text`."""
    pure = PurePosixPath(path.replace("\\", "/"))
    parts = tuple(p.lower() for p in pure.parts)
    name = pure.name.lower()
    if pure.suffix in (".py", ".pyi"):
        return _python_roles(parts, pure.stem.lower(), text)
    if "templates" in parts[:-1]:
        return FileRole.TEMPLATES
    if name.startswith("requirements") and pure.suffix in (".txt", ".in", ""):
        return FileRole.REQUIREMENTS
    if name == "pyproject.toml":
        return FileRole.PYPROJECT | FileRole.REQUIREMENTS
    if (
        name in ("procfile", "dockerfile")
        or name.startswith(("dockerfile.", "docker-compose", "compose."))
        or pure.suffix == ".service"
    ):
        return FileRole.DEPLOY
    return FileRole.NONE
