"""`djvet server` end to end with Neovim 0.11's capabilities: pull diagnostics, UTF-8.

Neovim declares `textDocument.diagnostic`, so the server must answer
`textDocument/diagnostic` and never push. The profile lacks refresh support; the
fixture adds it, as VS Code's own client declares it.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import (
    CONFIG,
    PRODUCTION_SETTINGS,
    Editor,
    column,
    initialize_params,
    make_project,
    until,
    write_settings,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("pull"))


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    capabilities = client_capabilities("neovim")
    capabilities.workspace.diagnostics = lsp.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    lsp_client.init_result = await lsp_client.initialize_session(
        initialize_params(project, capabilities, options={"select": ["DJV201"]})
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    encoding = client.init_result.capabilities.position_encoding
    return Editor(client, encoding=encoding)


async def pull(
    editor: Editor, uri: str, previous: str | None = None
) -> lsp.DocumentDiagnosticReport:
    return await editor.client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            previous_result_id=previous,
        )
    )


async def test_pull_client_is_offered_pull_and_never_pushed_to(editor: Editor, project):
    provider = editor.client.init_result.capabilities.diagnostic_provider
    assert provider is not None and provider.workspace_diagnostics
    uri = editor.open(write_settings(project, "p_open"))
    report = await pull(editor, uri)
    assert report.kind == "full" and [d.code for d in report.items] == ["DJV201"]
    assert report.items[0].data["versions"] == {uri: 1}
    await asyncio.sleep(0.5)  # longer than the push debounce: nothing may arrive
    assert editor.published == []


async def test_pull_after_change_and_unchanged_result_id(editor: Editor, project):
    uri = editor.open(write_settings(project, "p_change"))
    first = await pull(editor, uri)
    again = await pull(editor, uri, previous=first.result_id)
    assert again.kind == "unchanged" and again.result_id == first.result_id
    editor.change(uri, "# one more line\n" + PRODUCTION_SETTINGS)
    changed = await pull(editor, uri, previous=first.result_id)
    assert changed.kind == "full" and changed.items[0].range.start.line == 2
    assert changed.items[0].data["versions"] == {uri: 2}


async def test_utf8_position_encoding_counts_bytes(editor: Editor, project):
    assert editor.encoding == lsp.PositionEncodingKind.Utf8  # Neovim 0.11 prefers UTF-8
    text = PRODUCTION_SETTINGS.replace("DEBUG = True", 'SITE = "🛒 shop"; DEBUG = True')
    uri = editor.open(write_settings(project, "p_emoji", text))
    [diagnostic] = (await pull(editor, uri)).items
    start = column(text, 1, "True", "utf-8")
    assert start == len('SITE = "🛒 shop"; DEBUG = ') + 3  # the emoji is four bytes
    assert (diagnostic.range.start.character, diagnostic.range.end.character) == (
        start,
        start + 4,
    )


async def test_quick_fix_without_document_changes_support(editor: Editor, project):
    uri = editor.open(write_settings(project, "p_fix"))
    items = (await pull(editor, uri)).items
    [fix] = [
        a
        for a in await editor.code_actions(uri, items, only=["quickfix"])
        if a.title.startswith("DJV201")
    ]
    assert fix.edit.document_changes is None and list(fix.edit.changes) == [uri]
    editor.apply(fix.edit)
    assert list((await pull(editor, uri)).items) == []
    # The diagnostic the client still holds is for version 1: its fix must not be offered.
    stale = await editor.code_actions(uri, items, only=["quickfix"])
    assert [a.title for a in stale if a.title.startswith("DJV201")] == []


async def test_workspace_diagnostic_reports_open_documents(editor: Editor, project):
    uri = editor.open(write_settings(project, "p_workspace"))
    report = await editor.client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    [mine] = [item for item in report.items if item.uri == uri]
    assert (
        mine.kind == "full"
        and mine.version == 1
        and [d.code for d in mine.items] == ["DJV201"]
    )


async def test_settings_change_asks_the_client_to_refresh(editor: Editor, project):
    base = write_settings(project, "p_split/settings", name="base.py")
    production = write_settings(
        project, "p_split/settings", "from .base import *\n", name="production.py"
    )
    base_uri, production_uri = editor.open(base), editor.open(production)
    assert [d.code for d in (await pull(editor, base_uri)).items] == ["DJV201"]
    before = editor.client.diagnostic_refresh_count
    editor.change(production_uri, "from .base import *\n\nDEBUG = False\n")
    await until(
        lambda: editor.client.diagnostic_refresh_count > before,
        "workspace/diagnostic/refresh",
    )
    assert list((await pull(editor, base_uri)).items) == []
