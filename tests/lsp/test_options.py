"""Editor settings end to end: bad values fall back to defaults with a message, and
`workspace/configuration` (asked again on didChangeConfiguration) takes effect."""

from __future__ import annotations

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
BAD_OPTIONS = {
    "select": ["NOPE"],
    "severity": 5,
    "djangoVersion": "five",
    "someOtherTool": True,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("options"))


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    await lsp_client.initialize_session(
        initialize_params(
            project, client_capabilities("visual-studio-code"), options=BAD_OPTIONS
        )
    )
    yield
    await lsp_client.shutdown_session()


def djv201(diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
    return [d for d in diagnostics if d.code == "DJV201"]


async def test_invalid_initialization_options_fall_back_with_a_message(
    client: LanguageClient, project
):
    editor = Editor(client)
    uri = editor.open(write_settings(project, "o_bad"))
    [diagnostic] = djv201(await editor.diagnostics(uri, version=1))
    # The defaults held: every rule selected, DJV201 at its own severity.
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    [shown] = await until(
        lambda: [m for m in client.messages if "editor setting" in m.message],
        "a window/showMessage about the settings",
    )
    assert shown.type == lsp.MessageType.Warning
    for key in ("`select`", "`severity`", "`djangoVersion`"):
        assert key in shown.message
    # other tools' keys are not ours to judge
    assert "someOtherTool" not in shown.message


async def test_workspace_configuration_overrides_defaults(
    client: LanguageClient, project
):
    editor = Editor(client)
    uri = editor.open(write_settings(project, "o_config"))
    assert (
        djv201(await editor.diagnostics(uri, version=1))[0].severity
        == lsp.DiagnosticSeverity.Error
    )
    client.set_configuration({"severity": {"DJV201": "hint"}}, section="djvet")
    mark = len(editor.published)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings=None)
    )
    [diagnostic] = djv201(await editor.diagnostics(uri, version=1, after=mark))
    assert diagnostic.severity == lsp.DiagnosticSeverity.Hint
