"""initialize / initialized / shutdown: capabilities, project indexes, the readiness gate."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from djvet.lsp.convert import path_of
from djvet.lsp.handlers import diagnostics
from djvet.lsp.options import parse_settings
from djvet.lsp.startup import (
    load_editor_settings,
    register_watchers,
    reload_configs,
    warm_up,
)

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer

log = logging.getLogger(__name__)


def register(ls: DjvetServer) -> None:
    ls.feature(lsp.INITIALIZE)(initialize)
    ls.feature(lsp.INITIALIZED)(initialized)
    ls.feature(lsp.SHUTDOWN)(shutdown)


def initialize(ls: DjvetServer, params: lsp.InitializeParams) -> None:
    ls.initialization_options = params.initialization_options
    ls.workspaces.default_settings = parse_settings(params.initialization_options)
    folders = [f.uri for f in params.workspace_folders or []] or [params.root_uri or ""]
    for root in filter(None, map(path_of, folders)):
        ls.workspaces.add_folder(root)
    # Pull when the client can pull, push otherwise; the capability is only
    # advertised (registered) for pull clients, so a client never gets both.
    ls.pull_diagnostics = ls.supports("text_document.diagnostic")
    if ls.pull_diagnostics:
        diagnostics.register_pull(ls)


async def initialized(ls: DjvetServer, params: lsp.InitializedParams) -> None:
    try:
        await load_editor_settings(ls)
        await reload_configs(ls)
        await warm_up(ls)
    except Exception as error:  # never leave requests waiting on a gate that stays shut
        log.exception("djvet start-up failed")
        ls.warn([f"djvet: start-up failed ({error}); findings may be incomplete"])
    finally:
        ls.ready.set()
    ls.workspace_diagnostics.schedule(0.0)  # push clients in "workspace" mode
    await register_watchers(ls)


def shutdown(ls: DjvetServer, params: None) -> None:
    ls.stop_analysis()
