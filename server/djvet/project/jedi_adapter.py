"""The only module of djvet that imports jedi.

jedi is slow (50–750 ms per inference) and silently returns nothing when the
interpreter lacks Django, so djvet uses it for little: to ask the user's configured
interpreter for its `sys.path` (where site-packages apps such as `django.contrib.auth`
live), always under a time box. Everything else is read statically with parso.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def _time_boxed(work: Callable[[], T], timeout: float) -> T | None:
    """Run `work` in a daemon thread; None when it fails or takes longer than `timeout`.

    jedi starts the interpreter in a subprocess; a broken interpreter can hang, and the
    language server must not hang with it.
    """
    result: list[T] = []

    def run() -> None:
        try:
            result.append(work())
        except Exception as error:
            # jedi raises many kinds of errors for bad interpreters
            log.info("jedi: %s", error)

    thread = threading.Thread(target=run, name="djvet-jedi", daemon=True)
    thread.start()
    thread.join(timeout)
    return result[0] if result else None


def interpreter_sys_path(python: str, timeout: float = 3.0) -> list[str] | None:
    """`sys.path` of the interpreter (or virtualenv folder) at `python`, or None."""
    import jedi

    def ask() -> list[str]:
        environment = jedi.create_environment(python, safe=False)
        return [p for p in environment.get_sys_path() if "jedi" not in p.split(os.sep)]

    return _time_boxed(ask, timeout)


def interpreter_executable(python: str, timeout: float = 3.0) -> str | None:
    """The executable jedi would run for `python` (a virtualenv folder or an interpreter)."""
    import jedi

    return _time_boxed(
        lambda: jedi.create_environment(python, safe=False).executable, timeout
    )


def virtualenvs_in(folders: list[str], timeout: float = 3.0) -> list[str]:
    """Executables of the virtualenvs jedi finds directly inside `folders`."""
    from jedi.api.environment import find_virtualenvs

    def find() -> list[str]:
        found = find_virtualenvs(paths=folders, safe=False, use_environment_vars=False)
        return [environment.executable for environment in found]

    return _time_boxed(find, timeout) or []


_projects: dict[str, object] = {}  # jedi keeps caches per Project: reuse one per root


class Budget:
    """jedi time left for one file's analysis (N1-NOTES: at most ~200 ms per file)."""

    def __init__(self, seconds: float = 0.2) -> None:
        self.left = seconds

    def spend(self, work: Callable[[], T]) -> T | None:
        if self.left <= 0.01:
            return None
        import time

        started = time.perf_counter()
        try:
            return _time_boxed(work, self.left)
        finally:
            self.left -= time.perf_counter() - started


def call_sites(
    root: str, path: str, source: str, line: int, column: int, budget: Budget
) -> list[tuple[str, int, int]]:
    """Where the function named at (1-based line, column) of `path` is referenced in the
    project, other than its definition: (path, 1-based line, column) each."""

    def ask() -> list[tuple[str, int, int]]:
        import jedi

        project = _projects.get(root)
        if project is None:
            project = _projects[root] = jedi.Project(
                root, smart_sys_path=True, load_unsafe_extensions=False
            )
        script = jedi.Script(source, path=path, project=project)
        references = script.get_references(
            line, column, include_builtins=False, scope="project"
        )
        return [
            (str(r.module_path), r.line, r.column)
            for r in references
            if r.module_path is not None and not r.is_definition()
        ]

    return budget.spend(ask) or []
