"""Workspace notifications: settings changed, folders added or removed, files changed on disk."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from djvet.lsp.analysis import feeds_facts
from djvet.lsp.convert import path_of
from djvet.lsp.options import merge
from djvet.lsp.startup import load_editor_settings, reload_configs
from djvet.project.index import ProjectIndex

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer


def register(ls: DjvetServer) -> None:
    ls.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
    ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)


async def did_change_configuration(
    ls: DjvetServer, params: lsp.DidChangeConfigurationParams
) -> None:
    if not ls.supports("workspace.configuration") and isinstance(params.settings, dict):
        # Clients that cannot be asked send the settings along instead.
        ls.initialization_options = merge(ls.initialization_options, params.settings)
    await ls.ready.wait()
    await load_editor_settings(ls)
    await reload_configs(ls)
    ls.scheduler.dependencies_changed()


async def did_change_folders(
    ls: DjvetServer, params: lsp.DidChangeWorkspaceFoldersParams
) -> None:
    for folder in params.event.removed:
        if path := path_of(folder.uri):
            ls.workspaces.remove_folder(path)
    added = [path for f in params.event.added if (path := path_of(f.uri))]
    for path in added:
        ls.workspaces.add_folder(path)
    await load_editor_settings(ls)
    await reload_configs(ls, [os.path.abspath(p) for p in added])
    ls.scheduler.dependencies_changed()


async def did_change_watched_files(
    ls: DjvetServer, params: lsp.DidChangeWatchedFilesParams
) -> None:
    await ls.ready.wait()
    roots, facts_changed = set(), False
    for change in params.changes:
        path = path_of(change.uri)
        root = ls.workspaces.root_of(path) if path else None
        if path is None or root is None:
            continue
        if os.path.basename(path) == "pyproject.toml":
            roots.add(root) if os.path.dirname(path) == root else None
        elif ls.open_document(change.uri) is None:
            # open buffers are ours, not the disk's
            facts_changed |= await ls.run(
                _file_changed, ls.workspaces.indexes[root], path
            )
    if roots:
        await reload_configs(ls, sorted(roots))
    if roots or facts_changed:
        ls.scheduler.dependencies_changed()
    else:  # other files: only the workspace's findings of them may change
        ls.workspace_diagnostics.files_changed()
        ls.scheduler.wake()


def _file_changed(project: ProjectIndex, path: str) -> bool:
    project.file_changed(path)
    return feeds_facts(project, path, None if os.path.exists(path) else "")
