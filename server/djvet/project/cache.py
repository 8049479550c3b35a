"""The on-disk cache of findings (`.djvet_cache/`), so an unchanged project checks in
well under a second.

A file's findings depend on more than its own text: on the model graph and settings,
on the workspace modules it imports (querysets returned by helpers), and on the modules
importing it (call sites typing a helper's parameters). The cache key of a file hashes
exactly those inputs, so changing a models file re-checks the files that depend on the
models, and changing one view re-checks that view and its neighbours, nothing else.
Templates depend on the views that render them, which are not known without analysis:
their key covers every module that may render a template (and what those import, two
deep), the models and settings, and every template (a template's loop may be in the
template including it). Modules that render templates (DJV105's
view side) cover every template too.

The cache is a pickle of plain data (`Diagnostic`s), written atomically; a cache that
cannot be read (another djvet version, a truncated file) is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from djvet import __version__
from djvet.core.document import language_for_path
from djvet.core.model import Diagnostic, Language
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex
from djvet.project.modules import module_map, resolve_relative
from djvet.project.template_views import might_render

log = logging.getLogger(__name__)
FOLDER = ".djvet_cache"
_IMPORT = re.compile(
    r"^\s*(?:from\s+(\.*)([\w.]*)\s+import\s+([\w\s,()*]+)|import\s+([\w.]+))", re.M
)


def _digest(*parts: str) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


@dataclass
class Dependencies:
    """Content hashes of every workspace file, and who imports whom."""

    hashes: dict[str, str]
    imports: dict[str, set[str]]
    importers: dict[str, set[str]] = field(default_factory=dict)
    facts: str = ""  # settings and models files together
    # the modules that may render templates, and their imports (for templates)
    python: str = ""
    templates: str = ""  # every template together (for templates and rendering modules)
    # Python files that may render templates
    renders: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FileFacts:
    """What the cache keys need of one file, remembered with the (mtime, size) it was
    read at: a warm run stats the workspace instead of reading and hashing it."""

    stamp: tuple[int, int]
    digest: str
    imports: frozenset[str]  # workspace modules it imports (paths)
    renders: bool  # a Python file that may render templates
    fact: bool  # a models or settings module


def dependencies(
    project: ProjectIndex, files: list[str], known: dict[str, FileFacts] | None = None
) -> Dependencies:
    """The dependency facts of the workspace; `known` (from the cache, updated in place)
    spares reading the files whose (mtime, size) did not change."""
    known = {} if known is None else known
    paths = project.files()
    if set(paths) != set(known):
        known.clear()  # a file came or went: what imports resolve to may differ
    modules = None
    table: dict[str, FileFacts] = {}
    # A file written in the last seconds may change again within the clock's resolution
    # keeping its (mtime, size): its stamp is not trusted (git's "racy" files).
    trusted_before = time.time_ns() - 2_000_000_000
    for path in paths:
        stamp = _stamp(path) if path not in project.overlay else None
        previous = known.get(path)
        if (
            stamp is not None
            and previous is not None
            and previous.stamp == stamp
            and stamp[0] < trusted_before
        ):
            table[path] = previous
            continue
        text = project.read(path)
        if text is None:
            continue
        if modules is None:
            modules = module_map(project)
        table[path] = _file_facts(project, path, text, modules, stamp or (-1, -1))
    known.clear()
    known.update({p: f for p, f in table.items() if f.stamp != (-1, -1)})
    return _aggregate(table)


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _file_facts(
    project: ProjectIndex, path: str, text: str, modules: object, stamp: tuple[int, int]
) -> FileFacts:
    python = path.endswith(".py")
    return FileFacts(
        stamp,
        _digest(text),
        frozenset(_imported_paths(path, text, modules)) if python else frozenset(),
        python and might_render(text),
        python
        and bool(project.roles(path, text) & (FileRole.MODELS | FileRole.SETTINGS)),
    )


def _aggregate(table: dict[str, FileFacts]) -> Dependencies:
    hashes = {path: facts.digest for path, facts in table.items()}
    imports = {
        path: set(facts.imports)
        for path, facts in table.items()
        if path.endswith(".py")
    }
    importers: dict[str, set[str]] = {}
    for path, targets in imports.items():
        for target in targets:
            importers.setdefault(target, set()).add(path)
    facts = _digest(
        *(f"{p}:{hashes[p]}" for p in sorted(p for p, f in table.items() if f.fact))
    )
    renders = {p for p, f in table.items() if f.renders}
    # Templates depend on the modules that render them and what those import (two deep,
    # as a module's own key): not on every Python file.
    rendering = set(renders)
    for _ in range(2):
        rendering |= {
            target for path in list(rendering) for target in imports.get(path, ())
        }
    python = _digest(*(f"{p}:{hashes[p]}" for p in sorted(rendering) if p in hashes))
    templates = _digest(
        *(
            f"{p}:{h}"
            for p, h in sorted(hashes.items())
            if language_for_path(p) is Language.TEMPLATE
        )
    )
    return Dependencies(hashes, imports, importers, facts, python, templates, renders)


def _imported_paths(path: str, text: str, modules: object) -> set[str]:
    found = set()
    for match in _IMPORT.finditer(text):
        dots, module, names, plain = match.groups()
        if plain:
            candidates = [plain]
        else:
            base = resolve_relative(path, len(dots), module) if dots else module
            candidates = [
                base,
                *(
                    f"{base}.{n.strip()}"
                    for n in re.split(r"[,\s()]+", names or "")
                    if n.strip()
                ),
            ]
        for dotted in candidates:
            target = modules.by_dotted.get(dotted)  # type: ignore[attr-defined]
            if target and target != path:
                found.add(target)
    return found


def _code_fingerprint() -> str:
    """djvet's own code (size and mtime of its modules): a changed rule invalidates the
    cache even when the version string does not change (development checkouts)."""
    package = Path(__file__).resolve().parents[1]
    parts = []
    for module in sorted(package.rglob("*.py")):
        try:
            stat = module.stat()
        except OSError:
            continue
        parts.append(f"{module.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return _digest(*parts)


_CODE = _code_fingerprint()


def file_key(
    project: ProjectIndex, deps: Dependencies, path: str, *, verified: bool = True
) -> str | None:
    own = deps.hashes.get(path)
    if own is None:
        return None
    # Every setting may change findings (selection, severities, settings modules...),
    # and unverified fixes must not be served to a run that shows or applies edits.
    config = repr(replace(project.config, messages=())) + (
        "" if verified else ":unverified"
    )
    if not path.endswith(".py"):
        return _digest(
            __version__, _CODE, config, own, deps.facts, deps.python, deps.templates
        )
    near = set(deps.imports.get(path, ()))
    for module in list(near):
        # helpers of helpers (summaries go 2 deep)
        near |= deps.imports.get(module, set())
    near |= deps.importers.get(path, set())
    neighbours = sorted(f"{p}:{deps.hashes.get(p, '')}" for p in near)
    rendered = deps.templates if path in deps.renders else ""
    return _digest(__version__, _CODE, config, own, deps.facts, rendered, *neighbours)


class FindingsCache:
    def __init__(self, root: Path) -> None:
        self.file = root / FOLDER / f"v{__version__}" / "findings.pickle"
        # path -> (key, findings, warnings about that file); "" -> project warnings
        self.entries: dict[str, tuple[str, list[Diagnostic], list[str]]] = {}
        self.files: dict[str, FileFacts] = {}  # what `dependencies` read, by path
        self.dirty = False

    def load(self) -> FindingsCache:
        try:
            with open(self.file, "rb") as handle:
                stored = pickle.load(handle)
            if (
                isinstance(stored, dict)
                and isinstance(stored.get("entries"), dict)
                and isinstance(stored.get("files"), dict)
            ):
                self.entries, self.files = stored["entries"], stored["files"]
        except FileNotFoundError:
            pass
        except Exception as error:  # a damaged cache is rebuilt, never trusted
            log.info("ignoring the findings cache %s: %s", self.file, error)
        return self

    def get(
        self, path: str, key: str | None
    ) -> tuple[list[Diagnostic], list[str]] | None:
        entry = self.entries.get(path)
        if entry is None or key is None or entry[0] != key:
            return None
        return entry[1], entry[2]

    def put(
        self,
        path: str,
        key: str | None,
        diagnostics: list[Diagnostic],
        warnings: list[str],
    ) -> None:
        if key is None:
            return
        # `extra` may hold parse trees
        plain = [d.replace(extra={}) for d in diagnostics]
        self.entries[path] = (key, plain, list(warnings))
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        folder = self.file.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            gitignore = folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text(
                    "# Created by djvet: the cache never belongs in git.\n*\n"
                )
            with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False) as handle:
                pickle.dump(
                    {"entries": self.entries, "files": self.files},
                    handle,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            os.replace(handle.name, self.file)
        except OSError as error:  # a read-only checkout still gets its findings
            log.info("could not write the findings cache: %s", error)
