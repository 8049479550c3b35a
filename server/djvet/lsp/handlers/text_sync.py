"""didOpen / didChange / didClose / didSave: keep the project's buffer overlay current.

pygls has already applied the change to its `TextDocument` when these run; the
scheduler mirrors the text into the `ProjectIndex` and (for push clients) re-checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer


def register(ls: DjvetServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
    ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))(
        did_save
    )


def did_open(ls: DjvetServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.scheduler.opened(params.text_document.uri)


def did_change(ls: DjvetServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.scheduler.changed(params.text_document.uri)


def did_close(ls: DjvetServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.scheduler.closed(params.text_document.uri)


def did_save(ls: DjvetServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.scheduler.saved(params.text_document.uri)
