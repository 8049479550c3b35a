"""Which Django version a project runs, for rules whose advice depends on it.

Django 5.1 added connection pools for PostgreSQL, 4.1 made `iterator()` honour
`prefetch_related()`; a rule that suggests either must know the version. It is read,
first source wins:

1. `django-version` in `[tool.djvet]` (or the editor's `djangoVersion` setting);
2. Django installed in the project's own interpreter: the `python` key, or a `.venv`,
   `venv` or `env` folder in the project root (`project/environment.py`);
3. the project's pins: a lock file in the root (`uv.lock`, `poetry.lock`,
   `Pipfile.lock`, `pdm.lock`) gives the exact version; else requirement files,
   `pyproject.toml` and `Pipfile`, where `==` / `~=` / `^` pins are exact and `>=`
   gives the oldest version allowed (advice must hold for it too);
4. Django installed next to djvet itself, when nothing above says anything.

Nothing is imported or run: versions come from `django/__init__.py` and from text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from djvet.core.roles import FileRole
from djvet.project.environment import python_environment
from djvet.project.index import ProjectIndex, register_fact

Version = tuple[int, ...]

_LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
# `name = "django"` then `version = "5.2.1"` (uv, poetry, pdm); Pipfile.lock is JSON.
_TOML_LOCK = re.compile(
    r'^name\s*=\s*"django"\s*\n(?:.*\n)*?version\s*=\s*"(\d+(?:\.\d+)*)', re.M | re.I
)
_JSON_LOCK = re.compile(
    r'"django"\s*:\s*\{[^{}]*?"version"\s*:\s*"==(\d+(?:\.\d+)*)', re.I
)
# `Django==4.2.7`, `django>=4.2,<5`, `"Django~=5.0"`, `django = "^4.2"`, `django = ">=4.2"`.
_REQUIREMENT = re.compile(
    r"""(?:^|["'\s,\[])django(?:\[[^\]]*\])?\s*(?:=\s*["']\s*)?"""
    r"""(?P<spec>(?:==|~=|>=|\^|===|~)\s*\d+(?:\.\d+)*(?:\s*,\s*(?:<|<=|!=|>|>=|==)\s*[\d.*]+)*)""",
    re.I | re.M,
)
_SPEC = re.compile(r"^(==|===|~=|>=|\^|~)\s*(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class DjangoVersion:
    """The version djvet assumes, and where it read it (for logs and messages)."""

    version: Version | None
    # "config", "interpreter", a file name, "djvet's interpreter" or "unknown"
    source: str
    exact: bool = True  # False for the lower bound of a range (`django>=4.2`)

    def at_least(self, *wanted: int) -> bool | None:
        """Whether the project runs `wanted` or newer; None when the version is unknown."""
        if self.version is None:
            return None
        return self.version[: len(wanted)] >= wanted

    def describe(self) -> str:
        if self.version is None:
            return "unknown"
        shown = ".".join(map(str, self.version))
        return f"{shown}{'' if self.exact else '+'} ({self.source})"


def parse_lock(text: str) -> Version | None:
    """The exact Django version pinned by a uv/poetry/pdm lock file or Pipfile.lock."""
    match = _TOML_LOCK.search(text) or _JSON_LOCK.search(text)
    return _version(match.group(1)) if match else None


def parse_requirements(text: str) -> tuple[Version, bool] | None:
    """(version, exact) from the first Django requirement with a version in `text`
    (requirements.txt, pyproject.toml, Pipfile); comments are ignored."""
    for line in text.splitlines():
        code = line.split("#", 1)[0]
        match = _REQUIREMENT.search(code)
        if match is None:
            continue
        spec = _SPEC.match(match.group("spec").strip())
        if spec is None:
            continue
        version = _version(spec.group(2))
        if version is not None:
            return version, spec.group(1) in ("==", "===", "~=", "^", "~")
    return None


def _version(text: str) -> Version | None:
    parts = [int(p) for p in text.split(".")[:3] if p.isdigit()]
    return tuple(parts) if parts else None


def _from_pins(project: ProjectIndex) -> DjangoVersion | None:
    for name in _LOCK_FILES:
        text = (
            project.read(str(project.root / name))
            if (project.root / name).is_file()
            else None
        )
        version = parse_lock(text) if text else None
        if version is not None:
            return DjangoVersion(version, name)
    found: list[DjangoVersion] = []
    candidates = [
        p for p in project.files() if project.roles(p, "") & FileRole.REQUIREMENTS
    ]
    pipfile = project.root / "Pipfile"
    if pipfile.is_file():
        candidates.append(str(pipfile))
    for path in sorted(candidates, key=_preference):
        text = project.read(path)
        parsed = parse_requirements(text) if text else None
        if parsed is not None:
            found.append(
                DjangoVersion(parsed[0], project.config.relative(path), parsed[1])
            )
    exact = [v for v in found if v.exact]
    return (exact or found or [None])[0]


def _preference(path: str) -> tuple[int, int, int, str]:
    """Production requirements first: `requirements.txt`, then others, dev/test last; the
    project's own (the shallowest) before those of sub-projects (`labs/xss/requirements.txt`)."""
    normalized = path.replace("\\", "/")
    name = normalized.rsplit("/", 1)[-1].lower()
    development = any(word in name for word in ("dev", "test", "doc", "lint", "ci"))
    return (
        int(development),
        0 if name in ("requirements.txt", "pyproject.toml") else 1,
        normalized.count("/"),
        path,
    )


def _build(project: ProjectIndex) -> DjangoVersion:
    configured = project.config.django_version
    if configured:
        return DjangoVersion(tuple(configured), "config")
    environment = python_environment(project)
    installed = environment.django_version
    if installed is not None and environment.source in ("config", "venv"):
        return DjangoVersion(installed, "interpreter")
    pinned = _from_pins(project)
    if pinned is not None:
        return pinned
    if installed is not None:
        return DjangoVersion(installed, "djvet's interpreter")
    return DjangoVersion(None, "unknown")


# Requirement files and pyproject.toml feed it; `update_config` drops every fact anyway.
register_fact("django_version", FileRole.REQUIREMENTS | FileRole.PYPROJECT)
register_fact("requirement_names", FileRole.REQUIREMENTS | FileRole.PYPROJECT)
# `psycopg[binary,pool]>=3.1`, `"psycopg2-binary==2.9"`, `name = "psycopg"` (lock files)
_NAME = re.compile(
    r"""(?:^|["'\s,])([A-Za-z][A-Za-z0-9_.-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>~!^;"']|$)""",
    re.M,
)


def requirement_names(project: ProjectIndex) -> frozenset[str]:
    """Lower-case distribution names the project's requirement and lock files mention
    (`psycopg`, `psycopg2-binary`, ...): a hint of which drivers it deploys with."""
    return project.fact("requirement_names", _build_names)


def _build_names(project: ProjectIndex) -> frozenset[str]:
    names: set[str] = set()
    paths = [p for p in project.files() if project.roles(p, "") & FileRole.REQUIREMENTS]
    paths += [
        str(project.root / n)
        for n in (*_LOCK_FILES, "Pipfile")
        if (project.root / n).is_file()
    ]
    for path in paths:
        text = project.read(path) or ""
        for line in text.splitlines():
            code = line.split("#", 1)[0]
            names.update(
                m.group(1).lower().replace("_", "-") for m in _NAME.finditer(code)
            )
    return frozenset(names)


def django_version(project: ProjectIndex) -> DjangoVersion:
    """The Django version of the project (cached until a requirements file changes)."""
    return project.fact("django_version", _build)
