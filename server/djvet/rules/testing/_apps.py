"""The project's apps and whether any test touches them (a project fact).

An app is a package with a `models.py` defining models, or an `apps.py` and a
`views.py` defining views (and not itself test code). A test touches it when a test
module lives inside it, imports from it, or names it in a string: a URL namespace
(`reverse("catalog:list")`), its label (`get_model("catalog", "Book")`), its dotted
path, or a URL path segment (`"/catalog/"`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.modules import dotted_name

_MODELS = re.compile(r"^class\s+\w+\s*\([^)]*Model\b", re.M)
_VIEWS = re.compile(r"^(async\s+)?def\s+\w+\s*\(\s*request\b|^class\s+\w+\s*\([^)]*View", re.M)
_TEST_DIRS = {"tests", "test", "testing", "testapp", "testapps", "test_project", "testproject"}


@dataclass
class App:
    folder: str
    dotted: str
    label: str
    report: str  # the file the finding goes to: models.py, else views.py
    kinds: list[str] = field(default_factory=list)  # "models", "views"


@dataclass
class AppTests:
    apps: dict[str, App]  # by report path
    tested: set[str]  # folders of apps some test touches


def _apps(project: ProjectIndex) -> dict[str, App]:
    found: dict[str, dict[str, str]] = {}  # folder -> {"models": path, "views": path}
    for path in project.python_files():
        name = os.path.basename(path)
        if name not in ("models.py", "views.py"):
            continue
        folder = os.path.dirname(path)
        parts = {p.lower() for p in project.config.relative(folder).replace("\\", "/").split("/")}
        if parts & _TEST_DIRS or "migrations" in parts or not os.path.exists(os.path.join(folder, "__init__.py")):
            continue
        kind = name[:-3]
        if (_MODELS if kind == "models" else _VIEWS).search(project.read(path) or ""):
            found.setdefault(folder, {})[kind] = path
    apps = {}
    for folder, files in found.items():
        if "models" not in files and not os.path.exists(os.path.join(folder, "apps.py")):
            continue  # a views module of a sub-package (`core/api/views.py`), not an app
        dotted = dotted_name(os.path.join(folder, "__init__.py"))
        report = files.get("models") or files["views"]
        apps[report] = App(folder, dotted, dotted.rsplit(".", 1)[-1], report, sorted(files))
    return apps


def _build(project: ProjectIndex) -> AppTests:
    apps = _apps(project)
    tests = [(p, project.read(p) or "") for p in project.python_files()
             if project.roles(p, "") & FileRole.TESTS or _test_named(p)]
    tested: set[str] = set()
    for app in apps.values():
        inside = app.folder + os.sep
        imports = _import_pattern(app.dotted)
        mentions = _mention_pattern(app)
        for path, text in tests:
            if path.startswith(inside) or imports.search(text) or mentions.search(text):
                tested.add(app.folder)
                break
    return AppTests(apps, tested)


def _test_named(path: str) -> bool:
    name = os.path.basename(path)
    return name.startswith("test") or name.endswith("_tests.py") or name == "conftest.py"


def _mention_pattern(app: App) -> re.Pattern[str]:
    """The app named in a string: its URL namespace (`"catalog:list"`), its label
    (`get_model("catalog", "Book")`, `"catalog.Book"`), its dotted path
    (`get_class("shop.catalog.models", ...)`) or a URL path segment (`"/catalog/"`)."""
    label, dotted = re.escape(app.label), re.escape(app.dotted)
    return re.compile(rf"""["']({label}[:.]|{label}["']|(\w+\.)*{dotted}\b|[^"'\s]*/{label}/)""")


def _import_pattern(dotted: str) -> re.Pattern[str]:
    """`from shop.catalog.models import` / `import catalog` — any trailing part of the
    dotted name (source roots differ), always ending with the app's own name."""
    parts = dotted.split(".")
    suffixes = [".".join(parts[i:]) for i in range(len(parts))]
    names = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
    return re.compile(rf"^\s*(from|import)\s+({names})(\.|\s|$)", re.M)


register_fact("app-tests", FileRole.PYTHON)


def app_tests(project: ProjectIndex) -> AppTests:
    return project.fact("app-tests", _build)
