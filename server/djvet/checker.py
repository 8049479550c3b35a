"""Checking many files at once (the CLI's engine room): discovery, fix-all, results.

Kept apart from `cli.py` so the CLI stays argument parsing and printing, and so tests
and benchmarks can check a project in-process.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from djvet.core.config import Config
from djvet.core.document import Document, language_for_path, set_shared_limit
from djvet.core.edits import (
    OverlappingEditsError,
    apply_to_files,
    conflicts,
    group_by_path,
)
from djvet.core.model import Applicability, Diagnostic, Edit
from djvet.core.timing import Clock
from djvet.engine import Statistics, check_document
from djvet.project.cache import FindingsCache, dependencies, file_key
from djvet.project.index import ProjectIndex, normalize

log = logging.getLogger(__name__)
MAX_FIX_PASSES = 10


class FixLoopError(RuntimeError):
    """Fixes kept finding something to change after MAX_FIX_PASSES passes."""


@dataclass
class Result:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # path -> (before, after)
    fixed: dict[str, tuple[str, str]] = field(default_factory=dict)
    fixes_applied: int = 0
    fixed_by_code: Counter[str] = field(default_factory=Counter)
    files_checked: int = 0
    warnings: list[str] = field(default_factory=list)
    stats: Statistics = field(default_factory=Statistics)
    seconds: float = 0.0
    per_file: dict[str, tuple[list[Diagnostic], list[str]]] = field(
        default_factory=dict
    )
    cache_keys: dict[str, str | None] = field(default_factory=dict)
    cache_facts: str = ""
    cache_hits: int = 0


# -- which files -----------------------------------------------------------------------
def collect_files(
    project: ProjectIndex, paths: Iterable[str], *, force_exclude: bool = False
) -> list[str]:
    """The files to check under `paths`.

    Folders are walked with the configured excludes. Files named explicitly are checked
    even when excluded, unless `force_exclude` (pre-commit passes every changed file).
    Files djvet does not read are skipped quietly; missing paths and broken links warn.
    """
    files: list[str] = []
    for raw in paths:
        path = normalize(raw)
        if os.path.isdir(path):
            files.extend(_files_under(project, path))
        elif os.path.isfile(path):
            if language_for_path(path) is None:
                log.info("%s: not a file djvet reads; skipped", raw)
            elif force_exclude and project.config.is_excluded(
                project.config.relative(path)
            ):
                log.info("%s: excluded by configuration; skipped", raw)
            else:
                files.append(path)
        elif os.path.islink(path):
            project.warn(f"{raw}: broken symbolic link or symlink loop; skipped")
        elif os.path.exists(path):  # a FIFO or device: reading it could block
            project.warn(
                f"{project.config.relative(path)}: not a regular file; skipped"
            )
        else:
            project.warn(f"{raw}: no such file or directory")
    return sorted(dict.fromkeys(files))


def _files_under(project: ProjectIndex, folder: str) -> list[str]:
    root = str(project.root)
    if folder == root or folder.startswith(root.rstrip(os.sep) + os.sep):
        prefix = folder.rstrip(os.sep) + os.sep
        return [f for f in project.files() if f.startswith(prefix)]
    return list(_walk_outside(project.config, folder))


def _walk_outside(config: Config, folder: str) -> Iterator[str]:
    """A folder outside the project root: walked with the same rules, relative to itself.
    Symbolic links to folders are not followed, so a link loop cannot trap the walk."""
    for current, dirs, names in os.walk(folder, followlinks=False):
        relative = os.path.relpath(current, folder).replace(os.sep, "/")
        relative = "" if relative == "." else f"{relative}/"
        dirs[:] = sorted(d for d in dirs if not config.is_excluded(f"{relative}{d}/x"))
        for name in sorted(names):
            if language_for_path(name if not relative else relative + name) is None:
                continue
            if not config.is_excluded(relative + name):
                yield os.path.join(current, name)


# -- checking --------------------------------------------------------------------------
# A batch allocates millions of long-lived objects (parso trees, the model graph, the
# lookup index). With CPython's default thresholds the collector traversed them over
# and over: 38% of a cold NetBox run's CPU. A batch collects young objects rarely and
# keeps every tree it parses (modules are read for each other's sake: re-parsing the
# evicted ones was a fifth of the parsing); both are restored when it ends.
_BATCH_GC_THRESHOLDS = (100_000, 50, 100)
_BATCH_SHARED_CHARACTERS = 10**12  # every tree


@contextmanager
def _batch_memory() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(*_BATCH_GC_THRESHOLDS)
    trees = set_shared_limit(_BATCH_SHARED_CHARACTERS)
    try:
        yield
    finally:
        set_shared_limit(trees)
        gc.set_threshold(*thresholds)


@_batch_memory()
def check_files(
    project: ProjectIndex,
    files: list[str],
    *,
    fix_level: Applicability | None = None,
    progress: Callable[[int, int], None] | None = None,
    with_stats: bool = False,
    write: bool = True,
    own_file_only: bool = False,
    jobs: int | None = None,
    cache: FindingsCache | None = None,
    verify_fixes: bool = True,
) -> Result:
    """Check `files`; with `fix_level`, first apply fixes at or above it to a fixed point.

    `write=False` keeps fixed texts in the project's overlay (for `--fix --diff` and
    standard input); `own_file_only` skips fixes that would edit another file.
    `verify_fixes=False` reports fixes as the rules offer them, unverified: for reports
    that show no edits (verification re-checks the file once per fix, about a third of
    a cold run); fixes are always verified before they are applied.
    """
    result = Result()
    started = time.perf_counter()
    stats = result.stats if with_stats else None
    verify_fixes = verify_fixes or fix_level is not None
    if cache is not None and fix_level is None:
        files = _from_cache(project, files, cache, result, progress, verify_fixes)
    workers = _workers(jobs, len(files)) if fix_level is None else 1
    if workers > 1:
        _check_in_parallel(
            project, files, result, workers, progress, with_stats, verify_fixes
        )
    else:
        for number, path in enumerate(files, 1):
            before = len(project.warnings)
            found = len(result.diagnostics)
            _check_one(
                project,
                path,
                result,
                fix_level,
                stats,
                write,
                own_file_only,
                verify_fixes,
            )
            result.per_file[path] = (
                result.diagnostics[found:],
                project.warnings[before:],
            )
            if progress:
                progress(number, len(files))
    if cache is not None and fix_level is None:
        _to_cache(project, cache, result)
    result.warnings = list(
        dict.fromkeys([*project.config.messages, *project.warnings, *result.warnings])
    )
    result.seconds = time.perf_counter() - started
    return result


# -- the findings cache ----------------------------------------------------------------
def _from_cache(
    project: ProjectIndex,
    files: list[str],
    cache: FindingsCache,
    result: Result,
    progress: Callable[[int, int], None] | None,
    verified: bool,
) -> list[str]:
    """Take every file whose inputs did not change from the cache; return the others."""
    before = dict(cache.files)
    deps = dependencies(project, files, cache.files)
    cache.dirty |= cache.files != before
    result.cache_keys = {
        path: file_key(project, deps, path, verified=verified) for path in files
    }
    misses = []
    for path in files:
        hit = cache.get(path, result.cache_keys[path])
        if hit is None:
            misses.append(path)
            continue
        result.diagnostics.extend(hit[0])
        result.warnings.extend(hit[1])
        result.files_checked += 1
        result.cache_hits += 1
    # nothing was analysed: the project-wide warnings come from the cache
    if not misses:
        stored = cache.get("", deps.facts)
        result.warnings.extend(stored[1] if stored else [])
    elif progress:
        progress(len(files) - len(misses), len(files))
    result.cache_facts = deps.facts
    return misses


def _to_cache(project: ProjectIndex, cache: FindingsCache, result: Result) -> None:
    attributed = set()
    for path, (diagnostics, warnings) in result.per_file.items():
        cache.put(path, result.cache_keys.get(path), diagnostics, warnings)
        attributed.update(warnings)
    if result.per_file:
        project_warnings = [w for w in project.warnings if w not in attributed]
        cache.put("", result.cache_facts, [], project_warnings)
    cache.save()


# -- parallel checking -----------------------------------------------------------------
# Worker processes are forked from a parent that has already built the project facts
# (settings, model graph, module map), so no worker rebuilds them; each checks a chunk
# of files and sends back plain data. Fixing stays serial: a fix may edit other files.
_PARALLEL_MIN_FILES = 40
_shared_project: ProjectIndex | None = None


def _workers(jobs: int | None, files: int) -> int:
    if files < 2:
        return 1  # nothing to share out (all from the cache): no facts to warm, no fork
    if jobs is not None:
        return max(1, min(jobs, files))
    if (
        files < _PARALLEL_MIN_FILES
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _warm(project: ProjectIndex) -> None:
    from djvet.core.rule import discover
    from djvet.project.models import model_graph
    from djvet.project.modules import module_map
    from djvet.project.settings import settings_index

    discover()  # once here, not once per worker
    for build in (settings_index, model_graph, module_map):
        try:
            build(project)
        except Exception:  # a fact that fails here fails again, logged, in the workers
            log.exception("could not build %s", build.__name__)
    # What the workers inherit is never garbage: freezing it keeps their collections
    # off it (and off its copy-on-write pages).
    gc.collect()
    gc.freeze()


def _check_chunk(
    paths: list[str], with_stats: bool, verify_fixes: bool
) -> tuple[Result, list[str]]:
    assert _shared_project is not None
    result = Result()
    stats = result.stats if with_stats else None
    for path in paths:
        before = len(_shared_project.warnings)
        found = len(result.diagnostics)
        _check_one(
            _shared_project, path, result, None, stats, True, False, verify_fixes
        )
        result.per_file[path] = (
            result.diagnostics[found:],
            _shared_project.warnings[before:],
        )
    return result, list(_shared_project.warnings)


def _check_in_parallel(
    project: ProjectIndex,
    files: list[str],
    result: Result,
    workers: int,
    progress: Callable[[int, int], None] | None,
    with_stats: bool,
    verify_fixes: bool,
) -> None:
    global _shared_project
    clock = Clock(phases=True) if with_stats else None
    _warm(project)  # settings, model graph, module map: built once, before the fork
    if clock is not None:
        result.stats.add_phases(clock.phases_spent())
    _shared_project = project
    size = max(1, min(25, len(files) // (workers * 4) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    done = 0
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                pool.submit(_check_chunk, chunk, with_stats, verify_fixes): len(chunk)
                for chunk in chunks
            }
            for future in as_completed(futures):
                part, warnings = future.result()
                result.diagnostics.extend(part.diagnostics)
                result.files_checked += part.files_checked
                result.warnings.extend(warnings)
                result.stats.merge(part.stats)
                result.per_file.update(part.per_file)
                done += futures[future]
                if progress:
                    progress(done, len(files))
    finally:
        _shared_project = None
        gc.unfreeze()  # the parent may check again (tests, the server): let it go


def _check_one(
    project: ProjectIndex,
    path: str,
    result: Result,
    fix_level: Applicability | None,
    stats: Statistics | None,
    write: bool,
    own_file_only: bool,
    verify_fixes: bool = True,
) -> None:
    document = project.document(path)
    if document is None:
        return  # unreadable or not UTF-8: the project index has warned, naming the file
    result.files_checked += 1
    final = None
    if fix_level is not None:
        try:
            final = _fix_file(
                project,
                document,
                fix_level,
                result,
                write=write,
                own_file_only=own_file_only,
                stats=stats,
            )
        except FixLoopError as error:
            project.warn(f"{project.config.relative(path)}: {error}")
    if final is None:  # no fixing, or the loop gave up: check the text as it is now
        if fix_level is not None:
            document = project.document(path) or document
        final = (
            document,
            check_document(document, project, stats=stats, verify_fixes=verify_fixes),
        )
    document, diagnostics = final
    result.diagnostics.extend(diagnostics)
    if document.parsed and (error := document.first_syntax_error()) is not None:
        project.warn(
            f"{project.config.relative(path)}:{error.start_line + 1}:{error.start_column + 1}: "
            "syntax error; checked the parts that parse"
        )


# -- fixing ----------------------------------------------------------------------------
def _fix_file(
    project: ProjectIndex,
    document: Document,
    level: Applicability,
    result: Result,
    *,
    write: bool = True,
    own_file_only: bool = False,
    stats: Statistics | None = None,
) -> tuple[Document, list[Diagnostic]] | None:
    """Apply fixes at or above `level` until none is left (at most MAX_FIX_PASSES passes).

    Each pass re-checks the file, so a fix may uncover another (ruff's fix loop). Returns
    the last pass's document and findings (what remains), so the caller need not check
    the file again. Raises FixLoopError when the passes run out; what was fixed so far
    stays fixed.
    """
    own = normalize(document.path)
    level = max(level, Applicability.UNSAFE)  # display-only fixes are never applied
    current: Document | None = document
    for _ in range(MAX_FIX_PASSES):
        if current is None:
            return None
        found = check_document(current, project, stats=stats)
        fixes = [d for d in found if _applicable(d, level, own, own_file_only)]
        if not fixes or _apply_batch(project, own, fixes, result, write) == 0:
            return current, found
        current = project.document(own)
    raise FixLoopError(
        f"fixes did not settle after {MAX_FIX_PASSES} passes; left after the last"
    )


def _applicable(
    d: Diagnostic, level: Applicability, own: str, own_file_only: bool
) -> bool:
    if d.fix is None or not d.fix.edits or d.fix.applicability < level:
        return False
    return not own_file_only or {normalize(p) for p in d.fix.paths(own)} == {own}


def _apply_batch(
    project: ProjectIndex,
    own: str,
    fixes: list[Diagnostic],
    result: Result,
    write: bool,
) -> int:
    """Apply every fix that does not touch text another chosen fix changes; the rest wait
    for the next pass, when they are recomputed on the new text."""
    chosen: list[Diagnostic] = []
    edits: list[Edit] = []
    for diagnostic in fixes:
        assert diagnostic.fix is not None
        candidate = [_absolute(e, own) for e in diagnostic.fix.edits]
        if conflicts(edits, candidate, own):
            continue
        chosen.append(diagnostic)
        edits.extend(candidate)
    try:
        texts = _texts_for(project, edits, own)
        changed = apply_to_files(texts, edits, own)
    except (OverlappingEditsError, OSError) as error:
        log.warning("%s: fixes not applied: %s", own, error)
        return 0
    for path, new_text in changed.items():
        before = result.fixed.get(path, (texts[path], ""))[0]
        result.fixed[path] = (before, new_text)
        if write:
            Path(path).write_text(new_text, encoding="utf-8", newline="")
            project.file_changed(path, new_text)
        else:
            project.set_overlay(path, new_text)
    result.fixes_applied += len(chosen)
    result.fixed_by_code.update(d.code for d in chosen)
    return len(chosen)


def _absolute(edit: Edit, own: str) -> Edit:
    return Edit(edit.span, edit.new_text, normalize(edit.path) if edit.path else own)


def _texts_for(
    project: ProjectIndex, edits: list[Edit], own_path: str
) -> dict[str, str]:
    texts = {}
    for path in group_by_path(edits, own_path):
        text = project.read(path)
        if text is None:
            raise OSError(f"cannot read {path}")
        texts[path] = text
    return texts


def make_project(paths: list[str], config: Config) -> ProjectIndex:
    return ProjectIndex(config.root or Path.cwd(), config)
