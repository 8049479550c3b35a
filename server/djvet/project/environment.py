"""Where a project's modules live: the interpreter's site-packages and the workspace roots.

djvet reads installed apps (`django.contrib.auth`, DRF's authtoken, ...) statically from
the site-packages of the project's interpreter, chosen in this order:

1. the `python` configuration key (an interpreter or a virtualenv folder, relative to the
   project root or absolute);
2. the interpreter running djvet, when Django is installed there;
3. a `.venv`, `venv` or `env` virtualenv in the project root;
4. the interpreter running djvet anyway.

A configured interpreter is asked for its `sys.path` through jedi (a subprocess, time
boxed); when that fails, `lib/python*/site-packages` next to it is used.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from djvet.project import jedi_adapter
from djvet.project.index import ProjectIndex, normalize

_VENV_NAMES = (".venv", "venv", "env")
_DJANGO_VERSION = re.compile(r"^VERSION\s*=\s*\((\d+),\s*(\d+)", re.M)


@dataclass(frozen=True)
class PythonEnvironment:
    """The interpreter whose installed packages djvet indexes."""

    executable: str | None
    source: str  # "config", "running", "venv" or "none"
    # import folders outside the standard library, in `sys.path` order
    paths: tuple[str, ...]

    @property
    def django_path(self) -> str | None:
        for folder in self.paths:
            if os.path.isfile(os.path.join(folder, "django", "__init__.py")):
                return os.path.join(folder, "django")
        return None

    @property
    def django_version(self) -> tuple[int, int] | None:
        django = self.django_path
        if django is None:
            return None
        try:
            with open(os.path.join(django, "__init__.py"), encoding="utf-8") as handle:
                match = _DJANGO_VERSION.search(handle.read())
        except OSError:
            return None
        return (int(match.group(1)), int(match.group(2))) if match else None


_cache: dict[tuple[str, str | None], PythonEnvironment] = {}
_cache_lock = threading.Lock()


def python_environment(project: ProjectIndex) -> PythonEnvironment:
    """The project's interpreter and import folders (cached per root and `python` key)."""
    key = (str(project.root), project.config.python)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _find_environment(project)
        return _cache[key]


def forget_environments() -> None:
    """Drop cached environments (after the user installs packages, or in tests)."""
    with _cache_lock:
        _cache.clear()


def _find_environment(project: ProjectIndex) -> PythonEnvironment:
    configured = project.config.python
    if configured:
        environment = _configured(project, configured)
        if environment is not None:
            return environment
        project.warn(
            f"python: cannot use the interpreter {configured!r}; using djvet's own"
        )
    running = PythonEnvironment(sys.executable, "running", tuple(_running_paths()))
    if running.django_path is not None:
        return running
    for name in _VENV_NAMES:
        folder = project.root / name
        if folder.is_dir():
            environment = _from_interpreter(str(folder), "venv")
            if environment is not None and environment.paths:
                return environment
    return running


def _configured(project: ProjectIndex, configured: str) -> PythonEnvironment | None:
    candidate = os.path.expanduser(configured)
    if not os.path.isabs(candidate):
        relative = os.path.join(str(project.root), candidate)
        candidate = (
            relative
            if os.path.exists(relative)
            else (shutil.which(candidate) or relative)
        )
    if not os.path.exists(candidate):
        return None
    return _from_interpreter(candidate, "config")


def _from_interpreter(python: str, source: str) -> PythonEnvironment | None:
    """Ask jedi for the interpreter's sys.path; fall back to globbing its site-packages."""
    paths = jedi_adapter.interpreter_sys_path(python)
    executable = (
        jedi_adapter.interpreter_executable(python) if paths is not None else None
    )
    if paths is None:
        paths = _site_packages_near(python)
        if not paths:
            return None
    return PythonEnvironment(
        executable or python, source, tuple(_outside_stdlib(paths))
    )


def _site_packages_near(python: str) -> list[str]:
    folder = (
        python if os.path.isdir(python) else os.path.dirname(os.path.dirname(python))
    )
    patterns = (
        "lib/python3*/site-packages",
        "lib64/python3*/site-packages",
        "Lib/site-packages",
    )
    found: list[str] = []
    for pattern in patterns:
        found.extend(sorted(glob.glob(os.path.join(folder, pattern))))
    return found


def _running_paths() -> list[str]:
    """djvet's own site-packages; not its other `sys.path` entries (djvet's sources, tests)."""
    paths = [
        p
        for p in sys.path
        if os.path.basename(p.rstrip(os.sep)) in ("site-packages", "dist-packages")
    ]
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path and path not in paths:
            paths.append(path)
    return [p for p in paths if os.path.isdir(p)]


def _outside_stdlib(paths: Iterable[str]) -> list[str]:
    result: list[str] = []
    for path in paths:
        base = os.path.basename(path.rstrip(os.sep))
        if (
            not path
            or not os.path.isdir(path)
            or base == "lib-dynload"
            or path in result
        ):
            continue
        if base in ("site-packages", "dist-packages") or not _is_stdlib(path):
            result.append(path)
    return result


def _is_stdlib(path: str) -> bool:
    return bool(re.search(r"[/\\]lib[/\\]python3\.\d+$|[/\\]Lib$", path.rstrip(os.sep)))


# -- module location -------------------------------------------------------------------
@dataclass
class ModuleLocator:
    """Finds the file of a dotted module in the workspace roots, then in site-packages.

    Regular modules and packages win over namespace packages on any root, as in Python.
    Unsaved buffers of files that do not exist on disk yet are seen too.
    """

    # Weak: the model graph holding this locator is kept in a fact of the project, and
    # a reference back would leave every fork's graph to the cycle collector.
    project_reference: Callable[[], ProjectIndex | None]
    roots: list[str]
    site_paths: list[str]
    _found: dict[str, str | None] = field(default_factory=dict)
    _packages: dict[str, str | None] = field(default_factory=dict)
    _dotted: dict[str, str] = field(default_factory=dict)

    @property
    def project(self) -> ProjectIndex:
        project = self.project_reference()
        if project is None:
            raise ReferenceError("the project of this module locator is gone")
        return project

    def locate(self, dotted: str) -> str | None:
        """The `.py` file of a module or the `__init__.py` of a package; None if absent."""
        if dotted not in self._found:
            self._found[dotted] = self._search(dotted)
        return self._found[dotted]

    def add_root(self, folder: str) -> None:
        """Import from `folder` too (after the workspace roots found so far)."""
        self.roots.append(normalize(folder))
        self._found = {d: p for d, p in self._found.items() if p is not None}
        self._packages = {d: p for d, p in self._packages.items() if p is not None}

    def package_dir(self, dotted: str) -> str | None:
        """The folder of a regular or namespace package."""
        if dotted not in self._packages:
            file = self.locate(dotted)
            if file is not None:
                found = (
                    os.path.dirname(file)
                    if os.path.basename(file) == "__init__.py"
                    else None
                )
            else:
                found = self._namespace(dotted)
            self._packages[dotted] = found
        return self._packages[dotted]

    def is_workspace(self, path: str) -> bool:
        root = str(self.project.root)
        return path == root or path.startswith(root + os.sep)

    def dotted_of(self, path: str) -> str:
        """The dotted name of a module file: how it was found, else its root, else packages."""
        path = normalize(path)
        if path in self._dotted:
            return self._dotted[path]
        for root in sorted(self.roots + self.site_paths, key=len, reverse=True):
            if path.startswith(root.rstrip(os.sep) + os.sep):
                relative = os.path.relpath(path, root)
                return _dotted_from_relative(relative)
        return dotted_by_packages(path)

    def _search(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for folder in [*self.roots, *self.site_paths]:
            base = os.path.join(folder, *parts)
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if self._exists(candidate):
                    self._dotted.setdefault(normalize(candidate), dotted)
                    return normalize(candidate)
        return None

    def _namespace(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for folder in [*self.roots, *self.site_paths]:
            base = os.path.join(folder, *parts)
            if os.path.isdir(base):
                return normalize(base)
        return None

    def _exists(self, path: str) -> bool:
        return os.path.isfile(path) or normalize(path) in self.project.overlay

    def module_files(self, package: str) -> list[str]:
        """Every module file of a package folder, recursively (for `models/` packages)."""
        result: list[str] = []
        for folder, dirs, names in os.walk(package):
            dirs[:] = sorted(
                d for d in dirs if not d.startswith((".", "__")) and d != "migrations"
            )
            result.extend(
                os.path.join(folder, n) for n in sorted(names) if n.endswith(".py")
            )
        extra = [
            p
            for p in self.project.overlay
            if p.startswith(package + os.sep) and p.endswith(".py")
        ]
        return sorted({normalize(p) for p in [*result, *extra]})


def _dotted_from_relative(relative: str) -> str:
    parts = relative.replace("\\", "/").split("/")
    last = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
    parts = parts[:-1] if last == "__init__" else [*parts[:-1], last]
    return ".".join(parts)


def dotted_by_packages(path: str) -> str:
    """Module name from the package structure: walk up while `__init__.py` exists."""
    folder, name = os.path.split(path)
    parts = (
        [] if name == "__init__.py" else [name[:-3] if name.endswith(".py") else name]
    )
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    return ".".join(parts)


def workspace_roots(
    project: ProjectIndex, settings: Iterable[tuple[str, str]]
) -> list[str]:
    """Folders the project imports from: above each settings package, beside `manage.py`,
    the project root and its `src/` folder. `settings` gives (path, dotted) pairs."""
    roots: list[str] = []

    def add(folder: str) -> None:
        folder = normalize(folder)
        if folder not in roots and os.path.isdir(folder):
            roots.append(folder)

    for path, dotted in settings:
        folder = os.path.dirname(path)
        parts = [p for p in dotted.split(".") if p and p != "__init__"]
        depth = len(parts) - (0 if os.path.basename(path) == "__init__.py" else 1)
        for _ in range(depth):
            folder = os.path.dirname(folder)
        add(folder)
    for path in project.python_files():
        if os.path.basename(path) == "manage.py":
            add(os.path.dirname(path))
    add(str(project.root))
    add(os.path.join(str(project.root), "src"))
    return roots
