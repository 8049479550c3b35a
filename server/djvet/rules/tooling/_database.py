"""Which database production uses, read from the settings (and, failing that, the pins)."""

from __future__ import annotations

import re

from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.settings import effective_settings, settings_index

_POSTGRES = re.compile(r"postgres|postgis|psycopg", re.I)
_PSYCOPG = re.compile(r"^\s*[\"']?psycopg", re.I | re.M)

register_fact(
    "tooling.postgres", FileRole.SETTINGS | FileRole.REQUIREMENTS | FileRole.PYPROJECT
)


def uses_postgres(project: ProjectIndex, text: str = "") -> bool:
    """Production's `DATABASES` name a PostgreSQL engine (or a `postgres://` URL); when
    the settings cannot tell, a `psycopg` requirement, or `django.contrib.postgres` in
    the file itself (`text`), decides."""
    verdict = project.fact("tooling.postgres", _build)
    return verdict if verdict is not None else "django.contrib.postgres" in text


def _build(project: ProjectIndex) -> bool | None:
    verdict = _from_settings(project)
    if verdict is not None:
        return verdict
    for path in project.files():
        if project.roles(path, "") & FileRole.REQUIREMENTS and _PSYCOPG.search(
            project.read(path) or ""
        ):
            return True
    return None


def _from_settings(project: ProjectIndex) -> bool | None:
    engines: list[str] = []
    for module in settings_index(project).production_views():
        setting = effective_settings(project, module).get("DATABASES")
        if setting is None:
            continue
        if isinstance(setting.value, dict):
            engines += [
                db.get("ENGINE")
                for db in setting.value.values()
                if isinstance(db, dict) and isinstance(db.get("ENGINE"), str)
            ]
        if _POSTGRES.search(setting.value_node.get_code(include_prefix=False)):
            return True
    if any(_POSTGRES.search(engine) for engine in engines):
        return True
    return False if engines else None
