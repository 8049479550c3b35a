"""Pull diagnostics: `textDocument/diagnostic` and `workspace/diagnostic`.

Registered only for clients that declare pull support (see `lifecycle.initialize`);
push clients get `publishDiagnostics` from the scheduler instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from djvet.lsp.convert import SOURCE

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer

LONG_POLL_SECONDS = 30.0  # an all-unchanged workspace report waits for a change first


def register(ls: DjvetServer) -> None:
    """Nothing to register up front: pull support depends on the client."""


def register_pull(ls: DjvetServer) -> None:
    options = lsp.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True
    )
    ls.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC, options)(document_diagnostic)
    ls.feature(lsp.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)


async def document_diagnostic(
    ls: DjvetServer, params: lsp.DocumentDiagnosticParams
) -> lsp.DocumentDiagnosticReport:
    analysis = await ls.scheduler.latest(params.text_document.uri)
    if analysis is None:
        return lsp.RelatedFullDocumentDiagnosticReport(items=[])
    if params.previous_result_id == analysis.result_id:
        return lsp.RelatedUnchangedDocumentDiagnosticReport(
            result_id=analysis.result_id
        )
    return lsp.RelatedFullDocumentDiagnosticReport(
        items=list(analysis.diagnostics), result_id=analysis.result_id
    )


async def workspace_diagnostic(
    ls: DjvetServer, params: lsp.WorkspaceDiagnosticParams
) -> lsp.WorkspaceDiagnosticReport:
    """Open documents, and in "workspace" mode every other file (`workspace_diagnostics`)."""
    previous = {p.uri: p.value for p in params.previous_result_ids}
    mark = ls.scheduler.changes
    reports = await _reports(ls, previous, params.work_done_token)
    if all(
        isinstance(r, lsp.WorkspaceUnchangedDocumentDiagnosticReport) for r in reports
    ):
        # Clients re-ask as soon as we answer: hold an all-unchanged answer until a change.
        await ls.scheduler.wait_for_change(LONG_POLL_SECONDS, since=mark)
        reports = await _reports(ls, previous, params.work_done_token)
    return lsp.WorkspaceDiagnosticReport(items=reports)


async def _reports(
    ls: DjvetServer, previous: dict[str, str], token: lsp.ProgressToken | None
) -> list[lsp.WorkspaceDocumentDiagnosticReport]:
    reports: list[lsp.WorkspaceDocumentDiagnosticReport] = []
    for uri in ls.open_uris():
        analysis = await ls.scheduler.latest(uri)
        if analysis is None:
            continue
        if previous.get(uri) == analysis.result_id:
            reports.append(
                lsp.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=uri, version=analysis.version, result_id=analysis.result_id
                )
            )
        else:
            reports.append(
                lsp.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri,
                    version=analysis.version,
                    items=list(analysis.diagnostics),
                    result_id=analysis.result_id,
                )
            )
    return reports + await ls.workspace_diagnostics.reports(previous, token)
