"""Helpers to check rule fixtures and inline snippets in a throwaway project.

A fixture folder `tests/rules/fixtures/<CODE>/` holds:
- `incorrect.py` with `# error: <CODE>` on every line that must be flagged;
- `correct.py`, which must be clean for that code;
- `fixed.py`, the golden result of applying every fix (unsafe ones included);
- `fixture.toml` (optional): `path = "where/the/file/goes.py"` in the project and a
  `[djvet]` table of configuration;
- `project/` (optional): more files of the throwaway project (base settings, models).
Non-Python fixtures use the same names with their own suffix (`incorrect.html`,
`incorrect.txt`, ...); their markers are `error: <CODE>` in any comment syntax.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

from djvet.checker import Result, _fix_file
from djvet.core.config import Config
from djvet.core.model import Applicability, Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import RULES, discover
from djvet.engine import check_document
from djvet.project.index import ProjectIndex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).parent / "fixtures"
MARKER = re.compile(r"error:\s*(?P<codes>DJV\d{3}(?:\s*,\s*DJV\d{3})*)")

# Where a rule's file goes in the throwaway project, by the first role it applies to.
DEFAULT_PATHS = [
    (FileRole.SETTINGS, "mysite/settings.py"),
    (FileRole.MIGRATIONS, "library/migrations/0002_data.py"),
    (FileRole.MODELS, "library/models.py"),
    (FileRole.ADMIN, "library/admin.py"),
    (FileRole.SERIALIZERS, "library/serializers.py"),
    (FileRole.URLS, "mysite/urls.py"),
    (FileRole.TASKS, "library/tasks.py"),
    (FileRole.TESTS, "library/tests.py"),
    (FileRole.COMMANDS, "library/management/commands/rebuild.py"),
    (FileRole.FORMS, "library/forms.py"),
    (FileRole.VIEWS, "library/views.py"),
    (FileRole.TEMPLATES, "library/templates/library/page.html"),
    (FileRole.REQUIREMENTS, "requirements.txt"),
    (FileRole.DEPLOY, "Procfile"),
    (FileRole.PYTHON, "library/services.py"),
]


def expected_pairs(source: str) -> list[tuple[int, str]]:
    return sorted(
        (number, code.strip())
        for number, line in enumerate(source.splitlines())
        if (match := MARKER.search(line))
        for code in match["codes"].split(",")
    )


def fixture_dir(code: str) -> Path:
    return FIXTURES / code


def fixture_file(code: str, stem: str) -> Path | None:
    matches = sorted(fixture_dir(code).glob(f"{stem}.*"))
    return matches[0] if matches else None


def _settings(code: str) -> dict:
    path = fixture_dir(code) / "fixture.toml"
    return tomllib.loads(path.read_text()) if path.exists() else {}


def target_path(code: str, suffix: str = ".py") -> str:
    settings = _settings(code)
    if "path" in settings:
        return settings["path"]
    rule = RULES[code]
    for role, path in DEFAULT_PATHS:
        if rule.applies_to & role and (suffix == ".py") == path.endswith(".py"):
            return path
    return "library/services.py"


def make_project(
    root: Path,
    files: dict[str, str],
    select: tuple[str, ...],
    config: dict | None = None,
) -> ProjectIndex:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # Packages need __init__.py so dotted module names resolve as in a real project.
        folder = path.parent
        while (
            folder != root
            and not (folder / "__init__.py").exists()
            and relative.endswith(".py")
        ):
            if folder.name in ("templates",) or "templates" in folder.parts:
                break
            (folder / "__init__.py").write_text("")
            folder = folder.parent
    base = Config(root=root, select=select)
    if config:
        base = base.with_overrides(config, "fixture")
        assert not base.messages, base.messages
    return ProjectIndex(root, base)


PROJECTS = Path(__file__).parent / "projects"


def _folder_files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def project_files(code: str) -> dict[str, str]:
    """Files of the throwaway project: a shared project (`project = "library"` in
    fixture.toml, from tests/rules/projects/) and the fixture's own `project/` folder."""
    files: dict[str, str] = {}
    shared = _settings(code).get("project")
    if shared:
        files.update(_folder_files(PROJECTS / shared))
    extra = fixture_dir(code) / "project"
    if extra.is_dir():
        files.update(_folder_files(extra))
    return files


def lint_fixture(code: str, stem: str, tmp_path: Path) -> tuple[str, list[Diagnostic]]:
    file = fixture_file(code, stem)
    assert file is not None, f"{code} has no {stem} fixture"
    source = file.read_text(encoding="utf-8")
    relative = target_path(code, file.suffix)
    if file.suffix != ".py" and relative.endswith(".py"):
        relative = relative[: -len(".py")] + file.suffix
    files = {**project_files(code), relative: source}
    project = make_project(tmp_path, files, (code,), _settings(code).get("djvet"))
    document = project.document(str(tmp_path / relative))
    return source, check_document(document, project)


def fix_fixture(code: str, tmp_path: Path) -> str:
    file = fixture_file(code, "incorrect")
    relative = target_path(code, file.suffix)
    if file.suffix != ".py" and relative.endswith(".py"):
        relative = relative[: -len(".py")] + file.suffix
    files = {**project_files(code), relative: file.read_text(encoding="utf-8")}
    project = make_project(tmp_path, files, (code,), _settings(code).get("djvet"))
    document = project.document(str(tmp_path / relative))
    _fix_file(project, document, Applicability.UNSAFE, Result())
    return (tmp_path / relative).read_text(encoding="utf-8")


# -- inline edge cases (django-upgrade style) ------------------------------------------
def check(
    source: str,
    code: str,
    tmp_path: Path,
    *,
    path: str | None = None,
    files: dict[str, str] | None = None,
    project: str | None = None,
) -> list[Diagnostic]:
    source = textwrap.dedent(source)
    relative = path or target_path(code)
    shared = _folder_files(PROJECTS / project) if project else {}
    project = make_project(
        tmp_path, {**shared, **(files or {}), relative: source}, (code,)
    )
    return check_document(project.document(str(tmp_path / relative)), project)


def check_flags(source: str, code: str, tmp_path: Path, **kwargs) -> list[Diagnostic]:
    found = [d for d in check(source, code, tmp_path, **kwargs) if d.code == code]
    assert found, f"expected {code} in:\n{source}"
    return found


def check_noop(source: str, code: str, tmp_path: Path, **kwargs) -> None:
    found = [d for d in check(source, code, tmp_path, **kwargs) if d.code == code]
    assert not found, (
        f"unexpected {[(d.span.start_line + 1, d.message) for d in found]}"
    )


def check_fixed(
    before: str,
    after: str,
    code: str,
    tmp_path: Path,
    *,
    path: str | None = None,
    files: dict[str, str] | None = None,
    level: Applicability = Applicability.UNSAFE,
) -> None:
    relative = path or target_path(code)
    project = make_project(
        tmp_path, {**(files or {}), relative: textwrap.dedent(before)}, (code,)
    )
    _fix_file(project, project.document(str(tmp_path / relative)), level, Result())
    assert (tmp_path / relative).read_text() == textwrap.dedent(after)


def all_codes() -> list[str]:
    discover()
    return sorted(RULES)


__all__ = ["replace"]
