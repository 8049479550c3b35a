"""One module per LSP feature; each exposes `register(server)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer


def register_all(server: DjvetServer) -> None:
    from djvet.lsp.handlers import (
        code_actions,
        diagnostics,
        hover,
        lifecycle,
        text_sync,
        workspace,
    )

    for module in (lifecycle, text_sync, diagnostics, code_actions, hover, workspace):
        module.register(server)
