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
from djvet.project.index import ProjectIndex
from djvet.project.modules import dotted_name

_MODELS = re.compile(r"^class\s+(\w+)\s*\([^)]*Model\b", re.M)
_VIEWS = re.compile(
    r"^(async\s+)?def\s+\w+\s*\(\s*request\b|^class\s+\w+\s*\([^)]*View", re.M
)
_TEST_DIRS = {
    "tests",
    "test",
    "testing",
    "testapp",
    "testapps",
    "test_project",
    "testproject",
}


@dataclass
class App:
    folder: str
    dotted: str
    label: str
    report: str  # the file the finding goes to: models.py, else views.py
    kinds: list[str] = field(default_factory=list)  # "models", "views"
    # names of the model classes it defines
    models: set[str] = field(default_factory=set)


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
        parts = {
            p.lower()
            for p in project.config.relative(folder).replace("\\", "/").split("/")
        }
        if (
            parts & _TEST_DIRS
            or "migrations" in parts
            or not os.path.exists(os.path.join(folder, "__init__.py"))
        ):
            continue
        kind = name[:-3]
        if project.per_file("testing.app-module", path, _app_module):
            found.setdefault(folder, {})[kind] = path
    apps = {}
    for folder, files in found.items():
        if "models" not in files and not os.path.exists(
            os.path.join(folder, "apps.py")
        ):
            continue  # a views module of a sub-package (`core/api/views.py`), not an app
        dotted = dotted_name(os.path.join(folder, "__init__.py"))
        report = files.get("models") or files["views"]
        models = (
            set(_MODELS.findall(project.read(files["models"]) or ""))
            if "models" in files
            else set()
        )
        apps[report] = App(
            folder, dotted, dotted.rsplit(".", 1)[-1], report, sorted(files), models
        )
    return apps


def _app_module(path: str, text: str) -> frozenset[str] | bool:
    """The models a models module defines, or whether a views module defines a view
    (falsy: not an app's module)."""
    if path.endswith("models.py"):
        return frozenset(_MODELS.findall(text))
    return bool(_VIEWS.search(text))


def _build(project: ProjectIndex) -> AppTests:
    apps = _apps(project)
    tests = [
        (p, project.read(p) or "")
        for p in project.python_files()
        if project.roles(p, "") & FileRole.TESTS or _test_named(p)
    ]
    tested: set[str] = set()
    imported = [_imported_names(text) for _, text in tests]
    unique = _unique_models(apps)
    for app in apps.values():
        inside = app.folder + os.sep
        imports = _import_pattern(app.dotted)
        mentions = _mention_pattern(app)
        named = _test_module_names(app.label)
        models = app.models & unique
        for (path, text), names in zip(tests, imported, strict=True):
            if (
                path.startswith(inside)
                or os.path.basename(path) in named
                or imports.search(text)
                or mentions.search(text)
                or models & names
            ):
                tested.add(app.folder)
                break
    return AppTests(apps, tested)


def _test_module_names(label: str) -> set[str]:
    """`test_feedback.py` tests the `feedback` app wherever it lives (`tests/integration/`)."""
    return {
        f"test_{label}.py",
        f"test_{label}s.py",
        f"tests_{label}.py",
        f"{label}_tests.py",
    }


def _unique_models(apps: dict[str, App]) -> set[str]:
    """Model names only one app defines: a test importing one touches that app, even
    through a re-export (`from dojo.models import FileUpload`)."""
    seen: dict[str, int] = {}
    for app in apps.values():
        for name in app.models:
            seen[name] = seen.get(name, 0) + 1
    return {name for name, count in seen.items() if count == 1}


_FROM_IMPORT = re.compile(r"^\s*from\s+[\w.]+\s+import\s+(\([^)]*\)|[^\n]*)", re.M)


def _imported_names(text: str) -> set[str]:
    """Names a module imports with `from x import a, b as c` (parenthesised too)."""
    names: set[str] = set()
    for match in _FROM_IMPORT.finditer(text):
        body = re.sub(r"#[^\n]*", "", match.group(1)).strip("() \n")
        names.update(part.split()[0] for part in body.split(",") if part.split())
    return names


def _test_named(path: str) -> bool:
    name = os.path.basename(path)
    return (
        name.startswith("test") or name.endswith("_tests.py") or name == "conftest.py"
    )


def _mention_pattern(app: App) -> re.Pattern[str]:
    """The app named in a string: its URL namespace (`"catalog:list"`), its label
    (`get_model("catalog", "Book")`, `"catalog.Book"`), a DRF router's URL name for it
    (`reverse("catalog-list")`), its dotted path
    (`get_class("shop.catalog.models", ...)`) or a URL path segment (`"/catalog/"`)."""
    label, dotted = re.escape(app.label), re.escape(app.dotted)
    return re.compile(
        rf"""["']({label}[:.]|{label}["']|{label}-(list|detail)\b|(\w+\.)*{dotted}\b|[^"'\s]*/{label}/)"""
    )


def _import_pattern(dotted: str) -> re.Pattern[str]:
    """`from shop.catalog.models import` / `import catalog` — any trailing part of the
    dotted name (source roots differ), always ending with the app's own name."""
    parts = dotted.split(".")
    suffixes = [".".join(parts[i:]) for i in range(len(parts))]
    names = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
    return re.compile(rf"^\s*(from|import)\s+({names})(\.|\s|$)", re.M)


def _inputs(project: ProjectIndex) -> tuple:
    """What `_build` reads: which models/views modules define models/views (an edit to
    a view's body changes nothing), the test modules' texts, the files there are."""
    modules, tests = [], []
    for path in project.python_files():
        if os.path.basename(path) in ("models.py", "views.py"):
            modules.append(
                (path, project.per_file("testing.app-module", path, _app_module))
            )
        if project.roles(path, "") & FileRole.TESTS or _test_named(path):
            tests.append((path, hash(project.read(path))))
    return tuple(modules), tuple(tests), len(project.files())


def app_tests(project: ProjectIndex) -> AppTests:
    return project.keyed_fact("app-tests", _inputs, _build)
