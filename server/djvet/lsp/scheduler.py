"""When documents are checked, and where their diagnostics go.

- Open buffers overlay the files on disk in their project's `ProjectIndex`.
- Push clients get `publishDiagnostics` (with the document version) after a short
  per-document debounce; pull clients ask with `textDocument/diagnostic` — never both.
- A result computed for a version the editor has since replaced is dropped.
- A change to a settings or models file re-checks the other open documents (push) or
  asks a pull client to refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.capabilities import get_capability

from djvet.core.document import forget_incremental
from djvet.lsp.analysis import Analysis, Snapshot, analyse, feeds_facts, verify

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer
    from djvet.project.index import ProjectIndex

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 0.15
_REFRESH = "<refresh>"


class DiagnosticScheduler:
    def __init__(self, server: DjvetServer) -> None:
        self.server = server
        # uri -> latest analysis of its latest version
        self.results: dict[str, Analysis] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._changed = asyncio.Event()  # replaced after each change: wakes long polls
        # counts changes, so a long poll sees one made while it computed
        self.changes = 0

    @property
    def push(self) -> bool:
        return not self.server.pull_diagnostics

    # -- text synchronisation -------------------------------------------------------------
    def opened(self, uri: str) -> None:
        self._bump()
        self._sync_overlay(uri)
        self._schedule(uri, 0.0)

    def changed(self, uri: str) -> None:
        self._bump()
        located = self._sync_overlay(uri)
        self._schedule(uri, DEBOUNCE_SECONDS)
        if located and feeds_facts(located[0], located[1], self.server.text_of(uri)):
            self.dependencies_changed(uri)

    def saved(self, uri: str) -> None:
        """Saving a settings or models file: files read from disk now see it too."""
        located = self.server.locate(uri)
        if located and feeds_facts(located[0], located[1], self.server.text_of(uri)):
            self.dependencies_changed(uri)
        else:
            self.server.workspace_diagnostics.files_changed()

    def closed(self, uri: str) -> None:
        self._bump()
        located = self.server.locate(uri)
        if located:
            self.server.submit(located[0].set_overlay, located[1], None)
            self.server.submit(forget_incremental, located[1])
        if task := self._pending.pop(uri, None):
            task.cancel()
        self.results.pop(uri, None)
        if self.push:
            self.server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        self.server.workspace_diagnostics.document_closed(uri)

    def _sync_overlay(self, uri: str) -> tuple[ProjectIndex, str] | None:
        located = self.server.locate(uri)
        if located:
            project, path = located
            self.server.submit(project.set_overlay, path, self.server.text_of(uri))
        return located

    # -- checking -------------------------------------------------------------------------
    def _schedule(self, uri: str, delay: float) -> None:
        if not self.push:
            return  # a pull client asks when it wants them
        if previous := self._pending.get(uri):
            previous.cancel()
        self._pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        """Publish the findings at once, then again with their fixes once verified
        (verifying re-checks the file per fix: it can take far longer than the check)."""
        await asyncio.sleep(delay)
        try:
            analysis = await self.analyse(uri, verify_fixes=False)
            if analysis is not None and analysis.needs_verification:
                self._publish(analysis)
                analysis = await self._verify(uri, analysis)
            if analysis is not None:
                self._publish(analysis)
        except Exception:  # a crash checking one document must not stop the others
            log.exception("checking %s failed", uri)
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]

    def _publish(self, analysis: Analysis) -> None:
        if self.server.open_document(analysis.uri) is not None:
            self.server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=analysis.uri,
                    version=analysis.version,
                    diagnostics=list(analysis.diagnostics),
                )
            )

    async def analyse(self, uri: str, *, verify_fixes: bool = True) -> Analysis | None:
        """Check the open document's current version; None when it changed meanwhile."""
        await self.server.ready.wait()
        document = self.server.open_document(uri)
        located = self.server.locate(uri)
        if document is None or located is None:
            return None
        snapshot = Snapshot(
            uri,
            located[1],
            document.source,
            document.version,
            self.server.workspace.position_codec,
            self.server.open_versions(),
        )
        return self._keep(
            await self.server.run(
                functools.partial(
                    analyse,
                    located[0],
                    snapshot,
                    verify=verify_fixes,
                    previous=self.results.get(uri),
                )
            )
        )

    async def _verify(self, uri: str, analysis: Analysis) -> Analysis | None:
        located = self.server.locate(uri)
        if located is None:
            return None
        verified = await self.server.run(
            verify, located[0], analysis, functools.partial(self._stale, analysis)
        )
        return self._keep(verified) if verified is not None else None

    def _stale(self, analysis: Analysis) -> bool:
        """Whether the editor has replaced the analysed version (asked off the loop:
        reads one attribute)."""
        current = self.server.open_document(analysis.uri)
        return current is None or current.version != analysis.version

    def _keep(self, analysis: Analysis) -> Analysis | None:
        """Results for a version the editor has replaced are dropped, never published."""
        current = self.server.open_document(analysis.uri)
        if current is None or current.version != analysis.version:
            log.debug(
                "dropped stale diagnostics of %s version %s",
                analysis.uri,
                analysis.version,
            )
            return None
        self.results[analysis.uri] = analysis
        return analysis

    async def settled(self, uri: str, timeout: float = 10.0) -> None:
        """Wait for the document's pending check (and fix verification) to finish."""
        task = self._pending.get(uri)
        if task is not None and not task.done():
            await asyncio.wait([task], timeout=timeout)

    async def latest(self, uri: str, attempts: int = 3) -> Analysis | None:
        """For pull requests: retry while the document keeps changing under the check."""
        for _ in range(attempts):
            if (analysis := await self.analyse(uri)) is not None:
                return analysis
        return self.results.get(uri)

    # -- documents depending on others ----------------------------------------------------
    def dependencies_changed(self, changed_uri: str | None = None) -> None:
        """Settings or models changed: other open documents' findings may have too."""
        self._bump()
        self.server.workspace_diagnostics.files_changed()
        if self.push:
            for uri in self.server.open_uris():
                if uri != changed_uri:
                    self._schedule(uri, DEBOUNCE_SECONDS)
        elif get_capability(
            self.server.client_capabilities, "workspace.diagnostics.refresh_support"
        ):
            if previous := self._pending.get(_REFRESH):
                previous.cancel()
            self._pending[_REFRESH] = asyncio.ensure_future(self._refresh_later())

    async def _refresh_later(self) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        await self.server.ready.wait()
        self.server.workspace_diagnostic_refresh(None)

    def _bump(self) -> None:
        self.changes += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def wake(self) -> None:
        """Something outside the open documents changed (files on disk): end long polls."""
        self._bump()

    async def wait_for_change(self, timeout: float, since: int | None = None) -> None:
        """Park a `workspace/diagnostic` long poll until something may have changed
        (at once when something changed after `since`, a value of `changes`)."""
        if since is not None and since != self.changes:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    def cancel_all(self) -> None:
        for task in self._pending.values():
            task.cancel()
        self._pending.clear()
