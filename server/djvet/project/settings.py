"""Settings modules, read statically.

For every settings module djvet knows its dotted name, its environment (production,
development, test, or base when other modules build on it), which modules production
runs (its *views*), and — by running the module's statements without executing any
code (`settings_run`) — what each setting holds when the environment sets nothing
(`settings_values`).

The project is never imported: a settings module that would raise, connect to a
database or write files on import is analysed all the same.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from djvet.core.document import parse_shared
from djvet.core.roles import FileRole, roles_for
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.settings_run import (
    Interpreter,
    ModuleResult,
    from_imports,
    match_dotted,
    resolve_from,
)
from djvet.project.settings_values import UNKNOWN, Setting, evaluate

__all__ = [
    "UNKNOWN",
    "EffectiveSettings",
    "Setting",
    "SettingsIndex",
    "SettingsModule",
    "evaluate",
]
PRODUCTION, DEVELOPMENT, TEST, BASE = "production", "development", "test", "base"

_ENV_WORDS = {
    PRODUCTION: {
        "prod",
        "production",
        "live",
        "deploy",
        "deployment",
        "staging",
        "release",
        "heroku",
    },
    DEVELOPMENT: {
        "dev",
        "development",
        "local",
        "debug",
        "devel",
        "example",
        "sample",
        "demo",
        "sandbox",
    },
    TEST: {
        "test",
        "tests",
        "testing",
        "ci",
        "pytest",
        "unittest",
        "smoketest",
        "smoke",
    },
}
# A module with one of these names is a base others build on, not deployed by itself.
_BASE_WORDS = {
    "base",
    "common",
    "defaults",
    "default",
    "shared",
    "core",
    "global",
    "components",
}
_SETTINGS_MODULE_ENV = re.compile(
    r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']|DJANGO_SETTINGS_MODULE\s*=\s*["']?([\w.]+)"""
)
# Settings defined in ways a reader of top-level statements cannot follow.
_DYNAMIC = re.compile(
    r"\bglobals\(\)|\bvars\(\)|\bexec\(|\bsplit_settings\b|\bsetattr\(sys\.modules"
)
# Every Django settings module names its apps or its middleware; a module without
# either is a fragment (NetBox's `configuration.py`, a settings mixin) read by another.
_CORE_SETTINGS = ("INSTALLED_APPS", "MIDDLEWARE")


@dataclass
class SettingsModule:
    path: str
    dotted: str
    environment: str
    # every `from X import ...` target
    star_imports: list[str] = field(default_factory=list)
    tree: Any = None
    dynamic: bool = False  # globals()/exec/django-split-settings: names we cannot see


@dataclass
class EffectiveSettings:
    """What a settings module (e.g. production.py) holds after its imports."""

    module: SettingsModule
    values: dict[str, Setting]
    chain: list[str]  # paths of every module that contributes, leaf last
    # An unconditional import of a module djvet cannot read, or dynamic definitions:
    # a setting that looks missing may be defined there.
    incomplete: bool = False
    # builds on another production view (which reports gaps)
    inherits_view: bool = False

    def get(self, name: str) -> Setting | None:
        return self.values.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        setting = self.values.get(name)
        return default if setting is None else setting.value

    def is_set(self, name: str) -> bool:
        return name in self.values

    def contains(
        self, name: str, item: Any, default: tuple[Any, ...] = ()
    ) -> bool | None:
        """Whether list setting `name` holds `item`; a missing setting has Django's
        default (`default`). None when djvet cannot tell."""
        setting = self.values.get(name)
        if setting is None:
            return item in default
        return setting.contains(item)

    @property
    def complete(self) -> bool:
        """Whether "this setting is missing" can be trusted for this module."""
        if self.incomplete:
            return False
        return any(name in self.values for name in _CORE_SETTINGS)

    def silenced(self, *check_ids: str) -> bool:
        silenced = self.value("SILENCED_SYSTEM_CHECKS", [])
        return isinstance(silenced, (list, tuple)) and any(
            c in silenced for c in check_ids
        )

    def string_list(self, name: str) -> list[str] | None:
        value = self.value(name)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        return None


# -- reading a module ------------------------------------------------------------------
def dotted_name(path: str) -> str:
    """Module name from the package structure: walk up while `__init__.py` exists."""
    file = Path(path)
    parts = [file.stem]
    folder = file.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


# -- the project-wide index ------------------------------------------------------------


@dataclass
class SettingsIndex:
    modules: dict[str, SettingsModule]  # by path
    by_dotted: dict[str, str]
    children: dict[str, set[str]]  # path -> paths of modules importing from it
    _results: dict[str, ModuleResult] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)
    _views: list[SettingsModule] | None = None

    def leaves(self) -> list[SettingsModule]:
        return [m for p, m in self.modules.items() if not self.children.get(p)]

    def production_leaves(self) -> list[SettingsModule]:
        return self.production_views()

    def production_views(self) -> list[SettingsModule]:
        """The modules production runs: production-named or deployed modules, leaves
        nobody builds on, and a `settings.py` that only development or test modules
        build on (the "settings.py + settings_dev.py" layout)."""
        if self._views is None:
            self._views = [m for m in self.modules.values() if self._is_view(m)]
        return self._views

    def _is_view(self, module: SettingsModule) -> bool:
        if module.environment == PRODUCTION:
            return True
        if module.environment != BASE:
            return False
        descendants = self._descendants(module.path)
        if not descendants:
            return True
        if _words(module.path) & _BASE_WORDS:
            return False
        return all(
            self.modules[d].environment in (DEVELOPMENT, TEST) for d in descendants
        )

    def _descendants(self, path: str) -> set[str]:
        found: set[str] = set()
        stack = list(self.children.get(path, ()))
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, ()))
        return found

    def chain(self, path: str) -> list[str]:
        """Paths contributing to a module: what it imports from (recursively), then itself."""
        return self.result(path).chain

    def result(self, path: str) -> ModuleResult:
        if path not in self._results:
            self._running.add(path)
            try:
                self._results[path] = Interpreter(self, self.modules[path]).run()
            finally:
                self._running.discard(path)
        return self._results[path]

    def importable(self, dotted: str) -> str | None:
        """The path of a settings module by dotted name, unless it is being run (a cycle)."""
        path = self.by_dotted.get(dotted)
        if path is None or path in self._running:
            return None
        return path


# Parsed settings modules (and the files found not to be settings), by path and text:
# the index is rebuilt whenever a settings file changes — on every edit in an editor,
# and in the scratch project of every fix verification — and most files did not change.
_PARSED: dict[tuple[str, int], Any] = {}
_PARSED_LIMIT = 50_000


def _settings_tree(project: ProjectIndex, path: str) -> tuple[str, Any] | None:
    """(text, parso tree) of a settings module; None for any other file."""
    text = project.read(path)
    if text is None:
        return None
    key = (path, hash(text))
    tree = _PARSED.get(key)
    if tree is None:
        relative = os.path.relpath(path, project.root).replace(os.sep, "/")
        tree = (
            parse_shared(text)
            if roles_for(relative, text) & FileRole.SETTINGS
            else False
        )
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = tree
    return None if tree is False else (text, tree)


def build_settings_index(project: ProjectIndex) -> SettingsIndex:
    modules: dict[str, SettingsModule] = {}
    for path in project.python_files():
        found = _settings_tree(project, path)
        if found is None:
            continue
        text, tree = found
        dotted = dotted_name(path)
        module = SettingsModule(
            path=path,
            dotted=dotted,
            environment=BASE,
            tree=tree,
            dynamic=bool(_DYNAMIC.search(text)),
        )
        is_package = path.endswith("__init__.py")
        for stmt in from_imports(tree):
            target = resolve_from(dotted, stmt, is_package)
            if target:
                module.star_imports.append(target)
        modules[path] = module
    by_dotted = {m.dotted: p for p, m in modules.items()}
    # An import may name a module by a shorter or longer dotted path than ours
    # (src layouts, settings packages without __init__): match on the longest suffix.
    for module in modules.values():
        module.star_imports = [
            match_dotted(d, by_dotted) or d for d in module.star_imports
        ]
    children: dict[str, set[str]] = {}
    for path, module in modules.items():
        for dotted in module.star_imports:
            if dotted in by_dotted and by_dotted[dotted] != path:
                children.setdefault(by_dotted[dotted], set()).add(path)
    index = SettingsIndex(modules, by_dotted, children)
    _classify(index, project)
    return index


# -- environments ----------------------------------------------------------------------
def _classify(index: SettingsIndex, project: ProjectIndex) -> None:
    configured = project.config.settings_modules
    deployed = _deployed_settings(project)
    for module in index.modules.values():
        module.environment = environment_of(
            module, project.config.relative(module.path), configured, deployed
        )


def _words(path: str) -> set[str]:
    """Words of a module's name (`settings_prod` -> settings, prod); a package's
    `__init__.py` is named by its folder."""
    file = Path(path)
    stem = file.parent.name if file.stem == "__init__" else file.stem
    return set(re.split(r"[_.\-]", stem.lower()))


def environment_of(
    module: SettingsModule, relative: str, configured: Any, deployed: set[str]
) -> str:
    """production, development, test or base: by configuration (`settings-modules`),
    by name (`production.py`, `settings_dev.py`, `tests/settings.py`), by being what
    wsgi.py / asgi.py deploy, else base."""
    for environment, names in configured.items():
        if any(
            module.dotted == n or module.dotted.endswith("." + n) or relative == n
            for n in names
        ):
            return environment
    words = _words(module.path)
    folders = [part.lower() for part in Path(relative).parts[:-1]]
    folder_words = (
        set().union(*(re.split(r"[_.\-]", f) for f in folders)) if folders else set()
    )
    for environment in (TEST, DEVELOPMENT, PRODUCTION):
        if words & _ENV_WORDS[environment]:
            return environment
    # A settings module inside a test or example project (`tests/settings.py`).
    if folder_words & _ENV_WORDS[TEST] or any(f.startswith("test") for f in folders):
        return TEST
    if folder_words & _ENV_WORDS[DEVELOPMENT]:
        return DEVELOPMENT
    if any(
        module.dotted == d
        or module.dotted.endswith("." + d)
        or d.endswith("." + module.dotted)
        for d in deployed
    ):
        return PRODUCTION
    return BASE


def _deployed_settings(project: ProjectIndex) -> set[str]:
    """Settings modules named by wsgi.py / asgi.py (what the servers run in production)."""
    names = set()
    for path in project.python_files():
        if os.path.basename(path) in ("wsgi.py", "asgi.py"):
            for match in _SETTINGS_MODULE_ENV.finditer(project.read(path) or ""):
                names.add(match.group(1) or match.group(2))
    return names


# -- facts and views -------------------------------------------------------------------
register_fact("settings", FileRole.SETTINGS)


def settings_index(project: ProjectIndex) -> SettingsIndex:
    return project.fact("settings", build_settings_index)


def effective_settings(
    project: ProjectIndex, module: SettingsModule
) -> EffectiveSettings:
    index = settings_index(project)
    result = index.result(module.path)
    views = {m.path for m in index.production_views()}
    inherits = any(p in views for p in result.chain if p != module.path)
    return EffectiveSettings(
        module=module,
        values=result.names,
        chain=result.chain,
        incomplete=result.incomplete,
        inherits_view=inherits,
    )


def production_settings_for(
    project: ProjectIndex, path: str
) -> list[EffectiveSettings]:
    """The production views of the settings a file contributes to.

    For production.py itself, its own effective settings; for base.py, those of every
    production module that builds on it. Development and test modules get none.
    """
    index = settings_index(project)
    path = os.path.abspath(path)
    if path not in index.modules:
        return []
    return [
        effective_settings(project, view)
        for view in index.production_views()
        if path in index.chain(view.path)
    ]
