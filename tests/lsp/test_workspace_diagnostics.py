"""`diagnosticMode = "workspace"`: findings in files that are not open.

Pull (Neovim 0.11's capabilities): `workspace/diagnostic` reports every file with a
result id and work-done progress, holds an all-unchanged answer until something changes,
and reports a deleted file empty. Push (VS Code's capabilities): a background pass
publishes closed files, a closed buffer falls back to the file on disk, and switching
back to "openFiles" clears them.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import (
    CONFIG,
    Editor,
    initialize_params,
    make_project,
    until,
    write_settings,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]
OPTIONS = {"select": ["DJV201"], "diagnosticMode": "workspace"}
FIXED = (
    'SECRET_KEY = "not-a-secret"\nDEBUG = False\nALLOWED_HOSTS = ["shop.example.com"]\n'
)


def codes(diagnostics: list[lsp.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def workspace_pull(
    client: LanguageClient,
    previous: dict[str, str] | None = None,
    token: str | None = None,
) -> dict[str, lsp.WorkspaceDocumentDiagnosticReport]:
    report = await client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(
            previous_result_ids=[
                lsp.PreviousResultId(uri=u, value=v)
                for u, v in (previous or {}).items()
            ],
            work_done_token=token,
        )
    )
    return {item.uri: item for item in report.items}


def watched(client: LanguageClient, uri: str, kind: lsp.FileChangeType) -> None:
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=uri, type=kind)])
    )


# -- pull ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pull_project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("workspace_pull"))
    write_settings(root, "second")
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def pull_client(lsp_client: LanguageClient, pull_project):
    capabilities = client_capabilities("neovim")
    await lsp_client.initialize_session(
        initialize_params(pull_project, capabilities, options=OPTIONS)
    )
    yield
    await lsp_client.shutdown_session()


async def test_report_covers_closed_files_with_result_ids_and_progress(
    pull_client, pull_project
):
    token = "workspace-pull-1"
    pull_client.progress_reports[token] = []  # the client made this token
    reports = await workspace_pull(pull_client, token=token)
    for package in ("mysite", "second"):
        report = reports[(pull_project / package / "settings.py").as_uri()]
        assert report.kind == "full" and report.version is None and report.result_id
        assert codes(report.items) == ["DJV201"]
        assert report.items[0].data is None  # fixes are sent when the file is opened
    kinds = [value.kind for value in pull_client.progress_reports[token]]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    assert "checking the workspace" in pull_client.progress_reports[token][0].message


async def test_unchanged_reports_wait_for_a_change_on_disk(pull_client, pull_project):
    first = await workspace_pull(pull_client)
    previous = {uri: report.result_id for uri, report in first.items()}
    waiting = asyncio.ensure_future(workspace_pull(pull_client, previous))
    await asyncio.sleep(0.5)
    assert not waiting.done(), "an all-unchanged answer is held until something changes"
    second = pull_project / "second" / "settings.py"
    second.write_text(FIXED, encoding="utf-8")
    watched(pull_client, second.as_uri(), lsp.FileChangeType.Changed)
    reports = await asyncio.wait_for(waiting, 15)
    assert (
        reports[second.as_uri()].kind == "full"
        and list(reports[second.as_uri()].items) == []
    )
    mysite = (pull_project / "mysite" / "settings.py").as_uri()
    assert (
        reports[mysite].kind == "unchanged"
        and reports[mysite].result_id == previous[mysite]
    )


async def test_deleted_file_is_reported_empty(pull_client, pull_project):
    doomed = write_settings(pull_project, "doomed")
    uri = doomed.as_uri()
    watched(pull_client, uri, lsp.FileChangeType.Created)
    reports = await workspace_pull(pull_client)
    assert codes(reports[uri].items) == ["DJV201"]
    doomed.unlink()
    watched(pull_client, uri, lsp.FileChangeType.Deleted)
    reports = await workspace_pull(pull_client, {uri: reports[uri].result_id})
    assert reports[uri].kind == "full" and list(reports[uri].items) == []


async def test_open_file_is_reported_once_with_its_version(pull_client, pull_project):
    editor = Editor(pull_client, encoding="utf-8")
    path = pull_project / "mysite" / "settings.py"
    uri = editor.open(path)
    report = await pull_client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    mine = [item for item in report.items if item.uri == uri]
    assert (
        len(mine) == 1 and mine[0].version == 1 and codes(mine[0].items) == ["DJV201"]
    )
    editor.close(uri)


async def test_severity_change_changes_the_result_id(pull_client, pull_project):
    uri = (pull_project / "mysite" / "settings.py").as_uri()
    before = await workspace_pull(pull_client)
    previous = {u: report.result_id for u, report in before.items()}
    # all unchanged: the answer waits for the settings to change
    waiting = asyncio.ensure_future(workspace_pull(pull_client, previous))
    pull_client.set_configuration(
        {**OPTIONS, "severity": {"DJV201": "hint"}}, section="djvet"
    )
    pull_client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings=None)
    )
    after = (await asyncio.wait_for(waiting, 15))[uri]
    assert after.kind == "full" and after.result_id != previous[uri]
    assert after.items[0].severity == lsp.DiagnosticSeverity.Hint


# -- push ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def push_project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("workspace_push"))
    write_settings(root, "second")
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def push_client(lsp_client: LanguageClient, push_project):
    await lsp_client.initialize_session(
        initialize_params(
            push_project, client_capabilities("visual-studio-code"), options=OPTIONS
        )
    )
    yield
    await lsp_client.shutdown_session()


def published_for(
    editor: Editor, uri: str, after: int = 0
) -> list[lsp.PublishDiagnosticsParams]:
    return [p for p in editor.published[after:] if p.uri == uri]


async def test_background_pass_publishes_closed_files(push_client, push_project):
    editor = Editor(push_client)
    for package in ("mysite", "second"):
        uri = (push_project / package / "settings.py").as_uri()
        [params, *_] = await until(
            lambda uri=uri: published_for(editor, uri), f"a publish for {uri}"
        )
        assert params.version is None and codes(params.diagnostics) == ["DJV201"]
    ours = {
        token: values
        for token, values in push_client.progress_reports.items()
        if str(token).startswith("djvet-workspace-")
    }
    assert ours, "the pass reports its progress on a token the server created"
    assert all(v[0].kind == "begin" and v[-1].kind == "end" for v in ours.values())


async def test_closed_buffer_falls_back_to_the_file_on_disk(push_client, push_project):
    editor = Editor(push_client)
    path = push_project / "second" / "settings.py"
    await until(lambda: published_for(editor, path.as_uri()), "the first pass")
    uri = editor.open(path)
    editor.change(uri, FIXED)  # fixed in the buffer, never saved
    assert await editor.diagnostics(uri, version=2) == []
    mark = len(editor.published)
    editor.close(uri)
    # cleared on close, then the file on disk (still DEBUG = True) is reported again
    await until(
        lambda: any(
            codes(p.diagnostics) == ["DJV201"] for p in published_for(editor, uri, mark)
        ),
        "the findings of the file on disk after closing it",
    )
    assert list(published_for(editor, uri, mark)[0].diagnostics) == []


async def test_switching_to_open_files_clears_closed_files(push_client, push_project):
    editor = Editor(push_client)
    uri = (push_project / "mysite" / "settings.py").as_uri()
    await until(lambda: published_for(editor, uri), "the first pass")
    mark = len(editor.published)
    push_client.set_configuration(
        {**OPTIONS, "diagnosticMode": "openFiles"}, section="djvet"
    )
    push_client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings=None)
    )
    [cleared, *_] = await until(
        lambda: published_for(editor, uri, mark), "the findings cleared"
    )
    assert list(cleared.diagnostics) == []
