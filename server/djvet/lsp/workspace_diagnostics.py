"""Findings in the workspace files that are not open, when `diagnosticMode` is "workspace".

- Pull clients get them in their `workspace/diagnostic` reports, with a result id per
  file, so an unchanged file is reported as "unchanged".
- Push clients get `publishDiagnostics` (without a version) from a background pass
  after start-up, and again after settings, models, saved or on-disk files change.

Both report `$/progress` while they check files (on the client's work-done token when
it sent one). Files are read from disk and checked without verifying fixes: a file's
fixes come when it is opened. A file's result is reused while its text is the same and
nothing it may depend on changed (`epoch`: bumped on saves, closes, settings, models and
files changed on disk; keystrokes in open buffers do not re-check the workspace).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import attrs
from lsprotocol import types as lsp

from djvet.lsp.analysis import Snapshot, analyse
from djvet.lsp.convert import path_of, uri_of

if TYPE_CHECKING:
    from pygls.workspace import PositionCodec

    from djvet.lsp.server import DjvetServer
    from djvet.project.index import ProjectIndex

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 0.5  # a burst of saves or file events makes one pass
REPORT_SECONDS = 0.2  # at most this often a `$/progress` report
NOTHING = "none"  # result id of "no findings any more" for a file no longer reported


@dataclass(frozen=True)
class FileReport:
    uri: str
    result_id: str
    diagnostics: tuple[lsp.Diagnostic, ...]


@dataclass(frozen=True)
class _Cached:
    digest: str
    epoch: int
    report: FileReport


class WorkspaceDiagnostics:
    def __init__(self, server: DjvetServer) -> None:
        self.server = server
        self.epoch = 0
        # path -> result; used on the analysis thread
        self._cache: dict[str, _Cached] = {}
        # uri -> result id pushed for a closed file
        self._published: dict[str, str] = {}
        self._pass: asyncio.Task[None] | None = None

    # -- what to check --------------------------------------------------------------------
    def _projects(self) -> list[ProjectIndex]:
        """Projects whose editor settings ask for workspace diagnostics, innermost first."""
        workspaces = self.server.workspaces
        chosen = [
            project
            for root, project in workspaces.items()
            if workspaces.settings.get(root, workspaces.default_settings).workspace_mode
        ]
        return sorted(chosen, key=lambda project: -len(str(project.root)))

    @property
    def active(self) -> bool:
        return bool(self._projects())

    async def _closed_files(self) -> list[tuple[ProjectIndex, str]]:
        open_paths = {path_of(uri) for uri in self.server.open_uris()}
        seen: set[str] = set()
        files = []
        for project in self._projects():
            for path in await self.server.run(project.files):
                if path not in seen and path not in open_paths:
                    seen.add(path)
                    files.append((project, path))
        return files

    # -- checking (files one at a time, so open documents never wait long) ---------------
    def _check(
        self, project: ProjectIndex, path: str, codec: PositionCodec, epoch: int
    ) -> FileReport | None:
        """Runs on the analysis thread."""
        text = project.read(path)
        if text is None:
            return None
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        cached = self._cache.get(path)
        if cached is not None and cached.digest == digest and cached.epoch == epoch:
            return cached.report
        uri = uri_of(path)
        analysis = analyse(
            project, Snapshot(uri, path, text, None, codec, {}), verify=False
        )
        # Fixes are verified and sent when the file is opened; none is promised here.
        diagnostics = tuple(attrs.evolve(d, data=None) for d in analysis.diagnostics)
        report = FileReport(uri, analysis.result_id, diagnostics)
        self._cache[path] = _Cached(digest, epoch, report)
        return report

    async def check_all(
        self, token: lsp.ProgressToken | None = None
    ) -> list[FileReport]:
        """The reports of every closed file of the workspace-mode projects."""
        if not self.active:
            return []
        files = await self._closed_files()
        epoch, codec = self.epoch, self.server.workspace.position_codec
        stale = sum(
            1
            for _, path in files
            if (c := self._cache.get(path)) is None or c.epoch != epoch
        )
        progress = await _Progress.start(self.server, token, stale) if stale else None
        reports: list[FileReport] = []
        try:
            for number, (project, path) in enumerate(files, 1):
                if (
                    report := await self.server.run(
                        self._check, project, path, codec, epoch
                    )
                ) is not None:
                    reports.append(report)
                if progress:
                    progress.step(number, len(files))
        finally:
            if progress:
                progress.end(f"{len(files)} files checked")
        return reports

    # -- pull -----------------------------------------------------------------------------
    async def reports(
        self, previous: dict[str, str], token: lsp.ProgressToken | None
    ) -> list[lsp.WorkspaceDocumentDiagnosticReport]:
        """Closed files' reports; files the client still holds findings for that are no
        longer reported (deleted, closed in "openFiles" mode) are reported empty once."""
        result: list[lsp.WorkspaceDocumentDiagnosticReport] = []
        checked = await self.check_all(token)
        for report in checked:
            result.append(
                _report(
                    report.uri,
                    report.result_id,
                    report.diagnostics,
                    previous.get(report.uri),
                )
            )
        reported = {report.uri for report in checked}
        for uri, result_id in previous.items():
            if uri not in reported and self.server.open_document(uri) is None:
                result.append(_report(uri, NOTHING, (), result_id))
        return result

    # -- push -----------------------------------------------------------------------------
    def schedule(self, delay: float = DEBOUNCE_SECONDS) -> None:
        """Push clients: (re)start the background pass."""
        if not self.server.scheduler.push or not (self.active or self._published):
            return
        self.cancel()
        self._pass = asyncio.ensure_future(self._push_later(delay))

    async def _push_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.server.ready.wait()
        try:
            reports = {report.uri: report for report in await self.check_all()}
        except Exception:  # one pass failing must not stop the server's other work
            log.exception("checking the workspace failed")
            return
        for uri in [uri for uri in self._published if uri not in reports]:
            self._publish(uri, NOTHING, ())
        for report in reports.values():
            if self._published.get(report.uri) != report.result_id:
                self._publish(report.uri, report.result_id, report.diagnostics)

    def _publish(
        self, uri: str, result_id: str, diagnostics: tuple[lsp.Diagnostic, ...]
    ) -> None:
        # the scheduler reports open files
        if self.server.open_document(uri) is not None:
            return
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=list(diagnostics))
        )
        if result_id == NOTHING:
            self._published.pop(uri, None)
        else:
            self._published[uri] = result_id

    # -- events ---------------------------------------------------------------------------
    def files_changed(self) -> None:
        """Saved, closed, or changed on disk; or settings or models changed."""
        self.epoch += 1
        self.schedule()

    def document_closed(self, uri: str) -> None:
        """Its buffer's findings were cleared: the file's findings on disk are due."""
        self._published.pop(uri, None)
        self.files_changed()

    def cancel(self) -> None:
        if self._pass is not None and not self._pass.done():
            self._pass.cancel()


def _report(
    uri: str,
    result_id: str,
    diagnostics: tuple[lsp.Diagnostic, ...],
    previous: str | None,
) -> lsp.WorkspaceDocumentDiagnosticReport:
    if previous == result_id:
        return lsp.WorkspaceUnchangedDocumentDiagnosticReport(
            uri=uri, version=None, result_id=result_id
        )
    return lsp.WorkspaceFullDocumentDiagnosticReport(
        uri=uri, version=None, items=list(diagnostics), result_id=result_id
    )


class _Progress:
    """`$/progress` for one pass: on the client's token, else on one the server creates."""

    def __init__(self, server: DjvetServer, token: lsp.ProgressToken) -> None:
        self.server, self.token = server, token
        self._last = time.monotonic()

    @classmethod
    async def start(
        cls, server: DjvetServer, token: lsp.ProgressToken | None, stale: int
    ) -> _Progress | None:
        if token is None:
            if not server.supports("window.work_done_progress"):
                return None
            token = f"djvet-workspace-{uuid.uuid4().hex[:8]}"
            try:
                await server.work_done_progress.create_async(token)
            except Exception as error:
                # the client said no: check without a progress bar
                log.info("window/workDoneProgress/create failed: %s", error)
                return None
        server.work_done_progress.begin(
            token,
            lsp.WorkDoneProgressBegin(
                title="djvet",
                message=f"checking the workspace ({stale} files)",
                percentage=0,
                cancellable=False,
            ),
        )
        return cls(server, token)

    def step(self, done: int, total: int) -> None:
        if time.monotonic() - self._last >= REPORT_SECONDS:
            self._last = time.monotonic()
            self.server.work_done_progress.report(
                self.token,
                lsp.WorkDoneProgressReport(
                    message=f"checking the workspace: {done}/{total} files",
                    percentage=100 * done // total,
                ),
            )

    def end(self, message: str) -> None:
        with contextlib.suppress(Exception):  # the connection may be closing
            self.server.work_done_progress.end(
                self.token, lsp.WorkDoneProgressEnd(message=message)
            )
        self.server.work_done_progress.tokens.pop(self.token, None)
