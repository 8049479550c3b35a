"""The workspace as djvet knows it: files, open buffers, and facts derived from them.

Facts (the settings analysis, the model graph, ...) are built lazily from source,
never by importing the project, and dropped when a file they depend on changes.
Open editor buffers overlay the files on disk.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from djvet.core.config import Config
from djvet.core.document import Document, language_for_path
from djvet.core.roles import FileRole, roles_for
from djvet.core.timing import phase

log = logging.getLogger(__name__)
T = TypeVar("T")

# Which file roles each fact is built from: a change to such a file drops the fact.
FACT_INPUTS: dict[str, FileRole] = {}


def normalize(path: str | Path) -> str:
    path = os.fspath(path)
    normalized = _NORMALIZED.get(path)
    if normalized is None:
        normalized = os.path.abspath(path)
        # Absolute paths normalize the same from any working directory: remembered,
        # since every read of every file of a project-wide rebuild normalizes its path.
        if os.path.isabs(path):
            if len(_NORMALIZED) > 200_000:
                _NORMALIZED.clear()
            _NORMALIZED[path] = normalized
    return normalized


_NORMALIZED: dict[str, str] = {}
# Seconds a file's (mtime, size) is trusted without another stat. A change reported
# through `file_changed` (the editor, a file watcher) is seen at once; one made behind
# djvet's back is seen by the next analysis that starts this long after it.
STAT_TRUSTED_FOR = 0.5


class ProjectIndex:
    def __init__(self, root: str | Path, config: Config | None = None) -> None:
        self.root = Path(normalize(root))
        self.config = config or Config(root=self.root)
        self.overlay: dict[str, str] = {}
        self.warnings: list[str] = []
        self._facts: dict[str, Any] = {}
        self._files: list[str] | None = None
        # Texts read from disk, with the (mtime, size) they were read at: a project-wide
        # fact rebuilt after one edit reads every other file again from here.
        # The last stat is trusted for a moment (STAT_TRUSTED_FOR): one analysis reads
        # each file several times (every project fact reads all of them).
        self._disk: dict[str, tuple[tuple[int, int], str, float]] = {}
        self._roles: dict[tuple[str, bool], tuple[str, FileRole]] = {}
        self._per_file: dict[
            tuple[str, str], tuple[str, Any, weakref.ref[Any] | None]
        ] = {}
        self._per_file_of_facts: dict[
            tuple[str, str], tuple[str, Any, weakref.ref[Any] | None]
        ] = {}
        self._keyed: dict[str, tuple[Hashable, Any]] = {}
        self._lock = threading.RLock()
        self.generation = 0

    # -- files ------------------------------------------------------------------------
    def files(self) -> list[str]:
        """Every file djvet can read in the workspace, not excluded by configuration."""
        with self._lock:
            if self._files is None:
                self._files = sorted(self._walk())
            return self._files

    def _walk(self) -> Iterator[str]:
        seen_dirs: set[tuple[int, int]] = set()
        for folder, dirs, names in os.walk(self.root, followlinks=False):
            try:
                stat = os.stat(folder)
            except OSError:
                continue
            if (stat.st_dev, stat.st_ino) in seen_dirs:
                dirs[:] = []
                continue
            seen_dirs.add((stat.st_dev, stat.st_ino))
            relative_folder = os.path.relpath(folder, self.root)
            dirs[:] = sorted(
                d
                for d in dirs
                if not self.config.is_excluded(_join(relative_folder, d) + "/x")
            )
            for name in names:
                relative = _join(relative_folder, name)
                if language_for_path(
                    relative
                ) is not None and not self.config.is_excluded(relative):
                    yield os.path.join(folder, name)

    def python_files(self) -> list[str]:
        return [f for f in self.files() if f.endswith(".py")]

    def read(self, path: str) -> str | None:
        """The text of `path` (open buffer first); None when unreadable or not UTF-8."""
        path = normalize(path)
        if path in self.overlay:
            return self.overlay[path]
        cached = self._disk.get(path)
        if cached is not None and time.monotonic() - cached[2] < STAT_TRUSTED_FOR:
            return cached[1]
        try:
            status = os.stat(path)
            if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block
                self.warn(f"{self.config.relative(path)}: not a regular file; skipped")
                return None
            key = (status.st_mtime_ns, status.st_size)
            if cached is not None and cached[0] == key:
                self._disk[path] = (key, cached[1], time.monotonic())
                return cached[1]
            with open(path, encoding="utf-8", newline="") as handle:
                text = handle.read()
            self._disk[path] = (key, text, time.monotonic())
            return text
        except UnicodeDecodeError:
            self.warn(f"{self.config.relative(path)}: not UTF-8; skipped")
        except OSError as error:
            self.warn(
                f"{self.config.relative(path)}: cannot read ({error.strerror}); skipped"
            )
        return None

    def disk_key(self, path: str) -> tuple[int, int] | None:
        """(mtime, size) of a file as last read, or None when it cannot be read."""
        path = normalize(path)
        if self.read(path) is None:
            return None
        cached = self._disk.get(path)
        return cached[0] if cached is not None else None

    def document(self, path: str) -> Document | None:
        text = self.read(path)
        if text is None:
            return None
        return Document.for_path(normalize(path), text)

    def roles(self, path: str, text: str | None = None) -> FileRole:
        if text is None:
            text = self.read(path) or ""
        # Remembered per path (by name alone, and for the last text): project-wide facts
        # ask for every file's roles on each rebuild.
        key = (path, not text)
        cached = self._roles.get(key)
        if cached is not None and (cached[0] is text or cached[0] == text):
            return cached[1]
        roles = roles_for(self.config.relative(path), text)
        self._roles[key] = (text, roles)
        return roles

    def per_file(
        self,
        kind: str,
        path: str,
        compute: Callable[[str, str], T],
        depends: object = None,
    ) -> T | None:
        """`compute(path, text)` for the file's current text, remembered until it changes.

        For the per-file part of a project-wide fact: after one edit, a rebuild computes
        the edited file again and reuses every other file's result. `compute` must depend
        on nothing but the path, the text and `depends` (an object such as the model
        graph: the result is kept while the very same object is passed; only a weak
        reference to it is held). None when the file cannot be read.
        """
        text = self.read(path)
        if text is None:
            return None
        key = (kind, normalize(path))
        # Parts that depend on an object (a fork's own model graph) are not shared with
        # forks: a fix verification must not evict the editor's parts.
        table = self._per_file if depends is None else self._per_file_of_facts
        cached = table.get(key)
        if (
            cached is not None
            and (cached[0] is text or cached[0] == text)
            and (cached[2] is None if depends is None else cached[2]() is depends)
        ):
            return cached[1]
        value = compute(path, text)
        table[key] = (
            text,
            value,
            None if depends is None else weakref.ref(depends),
        )
        return value

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            log.warning(message)
            self.warnings.append(message)

    # -- buffers and invalidation -----------------------------------------------------
    def set_overlay(self, path: str, text: str | None) -> None:
        """Open/change (text) or close (None) an editor buffer, dropping stale facts."""
        path = normalize(path)
        with self._lock:
            previous = self.overlay.get(path)
            if text is None:
                self.overlay.pop(path, None)
            else:
                self.overlay[path] = text
            if previous != text:
                self.file_changed(path, text)

    def file_changed(self, path: str, text: str | None = None) -> None:
        """A file was created, changed or deleted (on disk or in a buffer)."""
        path = normalize(path)
        with self._lock:
            if (
                self._files is not None
                and path not in self._files
                and os.path.exists(path)
            ):
                self._files = None
            self._disk.pop(path, None)  # trusted no longer
            roles = self.roles(path, text)
            entry_point = path.endswith(("manage.py", "wsgi.py", "asgi.py"))
            for name, fact in list(self._facts.items()):
                if not (roles & FACT_INPUTS.get(name, FileRole.ANY) or entry_point):
                    continue
                # A fact may tell for itself (the model graph: a models module it
                # read, edited without moving a class or field, leaves it as it is).
                survives = getattr(fact, "survives", None)
                if entry_point or survives is None or not survives(self, path, roles):
                    del self._facts[name]
            self.generation += 1

    def update_config(self, config: Config) -> None:
        with self._lock:
            self.config = config
            self._facts.clear()
            self._roles.clear()  # the root, hence relative paths, may differ
            self._keyed.clear()
            self._files = None
            self.generation += 1

    def fork(self, changed: dict[str, str]) -> ProjectIndex:
        """A scratch copy seeing `changed` texts, sharing every fact they cannot affect."""
        with self._lock:
            scratch = ProjectIndex(self.root, self.config)
            scratch.overlay = {
                **self.overlay,
                **{normalize(p): t for p, t in changed.items()},
            }
            scratch._files = self._files
            scratch._facts = dict(self._facts)
            # Keyed by content, so safe to share with a copy that sees other texts.
            scratch._disk = self._disk
            scratch._roles = self._roles
            scratch._per_file = self._per_file
            scratch._keyed = dict(self._keyed)
        for path, text in changed.items():
            scratch.file_changed(path, text)
        return scratch

    # -- facts ------------------------------------------------------------------------
    def fact(self, name: str, build: Callable[[ProjectIndex], T]) -> T:
        with self._lock:
            if name not in self._facts:
                with phase("project facts"):
                    self._facts[name] = build(self)
            return self._facts[name]

    def keyed_fact(
        self,
        name: str,
        inputs: Callable[[ProjectIndex], Hashable],
        build: Callable[[ProjectIndex], T],
    ) -> T:
        """A fact rebuilt only when `inputs(project)` changes.

        For facts read from files that change on every keystroke in ways that rarely
        matter (which apps have tests: any views edit could, almost none does): `inputs`
        must be cheap (use `per_file`) and capture everything `build` reads.
        """
        with self._lock:
            key = inputs(self)
            cached = self._keyed.get(name)
            if cached is not None and cached[0] == key:
                return cached[1]
            with phase("project facts"):
                value = build(self)
            self._keyed[name] = (key, value)
            return value


def register_fact(name: str, inputs: FileRole) -> None:
    """A change to a file with any of `inputs`' roles drops the fact `name`, unless the
    fact has a `survives(project, path, roles)` method that says it can tell for
    itself whether the change matters."""
    FACT_INPUTS[name] = inputs


def _join(folder: str, name: str) -> str:
    return name if folder in (".", "") else f"{folder}/{name}".replace(os.sep, "/")
