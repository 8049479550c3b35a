"""Start-up and configuration (re)loading: editor settings, project indexes, warm-up.

The warm-up lists each workspace's files and builds its settings index (the facts
every settings rule needs) under a `$/progress` token; requests that need analysis
wait on `DjvetServer.ready` until it is done.
"""

from __future__ import annotations

import logging
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from djvet import __version__
from djvet.core.config import Config
from djvet.lsp.convert import uri_of
from djvet.lsp.options import SECTION, EditorSettings, merge, parse_settings
from djvet.lsp.workspaces import build_config
from djvet.project.index import ProjectIndex
from djvet.project.settings import settings_index

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer

log = logging.getLogger(__name__)
WATCHERS = ("**/pyproject.toml", "**/*.py")


async def load_editor_settings(ls: DjvetServer) -> None:
    """initializationOptions, overlaid per folder with `workspace/configuration`."""
    roots = sorted(ls.workspaces.folders)
    answers: list[Any] = []
    if ls.supports("workspace.configuration"):
        items = [
            lsp.ConfigurationItem(scope_uri=uri_of(root), section=SECTION)
            for root in roots
        ]
        try:
            answers = await ls.workspace_configuration_async(
                lsp.ConfigurationParams(
                    items=items or [lsp.ConfigurationItem(section=SECTION)]
                )
            )
        except Exception as error:
            # a client may refuse; its initializationOptions still count
            log.info("workspace/configuration failed: %s", error)
    answers = list(answers or [])
    ls.workspaces.default_settings = parse_settings(
        merge(ls.initialization_options, answers[0] if answers else None)
    )
    for index, root in enumerate(roots):
        answer = answers[index] if index < len(answers) else None
        ls.workspaces.settings[root] = parse_settings(
            merge(ls.initialization_options, answer)
        )


async def reload_configs(ls: DjvetServer, roots: list[str] | None = None) -> None:
    """Re-read pyproject.toml and editor settings for `roots` (default: all projects)."""
    for root, project in ls.workspaces.items():
        if roots is not None and root not in roots:
            continue
        settings = ls.workspaces.settings.get(root, ls.workspaces.default_settings)
        config = await ls.run(_apply_config, project, settings)
        ls.warn([*settings.messages, *config.messages])


def _apply_config(project: ProjectIndex, settings: EditorSettings) -> Config:
    config = build_config(project.root, settings)
    project.update_config(config)
    return config


async def warm_up(ls: DjvetServer) -> None:
    """Build each project's file list and settings index, reporting `$/progress`."""
    progress = await _begin_progress(ls)
    projects = list(ls.workspaces.items())
    for number, (root, project) in enumerate(projects, 1):
        summary = await ls.run(_warm, project)
        ls.tell(f"djvet {__version__} in {root}: {summary}")
        if progress:
            ls.work_done_progress.report(
                progress,
                lsp.WorkDoneProgressReport(
                    message=f"{Path(root).name}: {summary}",
                    percentage=100 * number // len(projects),
                ),
            )
    if progress:
        ls.work_done_progress.end(progress, lsp.WorkDoneProgressEnd(message="ready"))


async def _begin_progress(ls: DjvetServer) -> str | None:
    if not ls.supports("window.work_done_progress"):
        return None
    token = f"djvet-startup-{uuid.uuid4().hex[:8]}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception as error:  # the client said no: carry on without a progress bar
        log.info("window/workDoneProgress/create failed: %s", error)
        return None
    ls.work_done_progress.begin(
        token,
        lsp.WorkDoneProgressBegin(
            title="djvet",
            message="indexing the project",
            percentage=0,
            cancellable=False,
        ),
    )
    return token


def _warm(project: ProjectIndex) -> str:
    """Runs on the analysis thread; returns the line logged once per project."""
    files = project.files()
    modules = settings_index(project).modules.values()
    found = ", ".join(
        f"{m.dotted} ({m.environment})" for m in sorted(modules, key=lambda m: m.dotted)
    )
    config = project.config
    django = (
        ".".join(map(str, config.django_version))
        if config.django_version
        else "not configured"
    )
    return (
        f"{len(files)} files; settings modules: {found or 'none found'}; "
        f"Django version: {django}; interpreter: {config.python or sys.executable}"
    )


async def register_watchers(ls: DjvetServer) -> None:
    """Ask the client to report pyproject.toml and Python file changes made outside it."""
    if not ls.supports("workspace.did_change_watched_files.dynamic_registration"):
        log.info(
            "the client cannot watch files for djvet; pyproject.toml changes need a restart"
        )
        return
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[lsp.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHERS]
    )
    registration = lsp.Registration(
        id=f"djvet-watch-{uuid.uuid4().hex[:8]}",
        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            lsp.RegistrationParams(registrations=[registration])
        )
    except Exception as error:
        log.info("client/registerCapability failed: %s", error)
