"""The djvet language server: state shared by the handlers, and `start()`.

Handlers live in `djvet.lsp.handlers`, one module per LSP feature; each module has a
`register(server)` function. The server owns one analysis thread: every read or
write of a `ProjectIndex` runs there, in submission order, so the event loop never
waits on parso or on the index's lock and buffer updates reach the index in order.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from djvet import __version__
from djvet.lsp.convert import path_of
from djvet.lsp.memory import Collector, take_over_full_collections
from djvet.lsp.scheduler import DiagnosticScheduler
from djvet.lsp.workspace_diagnostics import WorkspaceDiagnostics
from djvet.lsp.workspaces import Workspaces
from djvet.project.index import ProjectIndex

log = logging.getLogger(__name__)
T = TypeVar("T")


class DjvetServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "djvet",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
        )
        self.workspaces = Workspaces()
        self.scheduler = DiagnosticScheduler(self)
        # diagnosticMode "workspace"
        self.workspace_diagnostics = WorkspaceDiagnostics(self)
        self.ready = asyncio.Event()  # set once the project indexes are warm
        self.pull_diagnostics = False
        self.initialization_options: Any = None
        self._analysis = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="djvet-analysis"
        )
        self._collector = Collector(self.submit)
        self._shown: set[str] = set()

    # -- the analysis thread -------------------------------------------------------------
    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` on the analysis thread and wait for it."""
        loop = asyncio.get_running_loop()
        took: list[float] = []
        try:
            return await loop.run_in_executor(
                self._analysis,
                _timed,
                functools.partial(function, *args),
                took,
                self._collector.after_job,
            )
        finally:
            self._collector.analysed(took[0] if took else 0.0)

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Queue `function(*args)` on the analysis thread without waiting."""
        try:
            self._analysis.submit(function, *args).add_done_callback(_log_failure)
        except RuntimeError:  # after shutdown: nothing is analysed any more
            log.debug(
                "ignored %s after shutdown", getattr(function, "__name__", function)
            )

    def stop_analysis(self) -> None:
        self.scheduler.cancel_all()
        self.workspace_diagnostics.cancel()
        self._analysis.shutdown(wait=False, cancel_futures=True)

    # -- documents ------------------------------------------------------------------------
    def open_document(self, uri: str) -> TextDocument | None:
        """The editor's buffer for `uri`, or None when it is not open."""
        return self.workspace.text_documents.get(unquote(uri))

    def open_uris(self) -> list[str]:
        return [document.uri for document in self.workspace.text_documents.values()]

    def open_versions(self) -> dict[str, int | None]:
        """path -> version of every open document (edits for them are versioned)."""
        versions = {}
        for document in self.workspace.text_documents.values():
            if (path := path_of(document.uri)) is not None:
                versions[path] = document.version
        return versions

    def text_of(self, uri: str) -> str | None:
        document = self.open_document(uri)
        return document.source if document is not None else None

    def locate(self, uri: str) -> tuple[ProjectIndex, str] | None:
        """The project and absolute path of a `file:` document; None for other schemes."""
        path = path_of(uri)
        if path is None:
            return None
        return self.workspaces.for_path(path), path

    # -- talking to the user --------------------------------------------------------------
    def supports(self, dotted: str) -> bool:
        return bool(get_capability(self.client_capabilities, dotted, False))

    def warn(self, messages: Iterable[str]) -> None:
        """Show configuration problems once each (a reload shows only new ones)."""
        new = [m for m in dict.fromkeys(messages) if m not in self._shown]
        if not new:
            return
        self._shown.update(new)
        for message in new:
            log.warning("%s", message)
        self.window_show_message(
            lsp.ShowMessageParams(type=lsp.MessageType.Warning, message="\n".join(new))
        )

    def tell(self, message: str) -> None:
        log.info("%s", message)
        self.window_log_message(
            lsp.LogMessageParams(type=lsp.MessageType.Info, message=message)
        )


def _log_failure(future: Future[Any]) -> None:
    if not future.cancelled() and (error := future.exception()) is not None:
        log.error("analysis task failed", exc_info=error)


def create_server() -> DjvetServer:
    from djvet.lsp.handlers import register_all

    server = DjvetServer()
    register_all(server)
    return server


def start(log_file: str | None = None, verbose: bool = False) -> None:
    """Run the language server on standard input and output (`djvet server`)."""
    _configure_logging(log_file, verbose)
    log.info("djvet %s language server, Python %s", __version__, sys.version.split()[0])
    take_over_full_collections()
    create_server().start_io()


def _configure_logging(log_file: str | None, verbose: bool) -> None:
    # stdout is the protocol channel: logs go to stderr (the CLI's handler) and the file.
    logger = logging.getLogger("djvet")
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    if log_file:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        logging.getLogger().addHandler(handler)
        if verbose:
            logging.getLogger("pygls").setLevel(logging.DEBUG)
    for handler in logging.getLogger().handlers:
        if not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.DEBUG if verbose else logging.WARNING)


def _timed(
    work: Callable[[], T], took: list[float], after: Callable[[float], None]
) -> T:
    """Run `work`, noting how long it ran (not how long it waited for the thread), then
    `after(seconds)` before its result goes back (the collector's turn)."""
    started = time.perf_counter()
    try:
        return work()
    finally:
        took.append(time.perf_counter() - started)
        after(took[-1])
