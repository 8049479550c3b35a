"""Two workspace folders, two projects: each has its own `ProjectIndex` and its own
`[tool.djvet]`, and a file outside both gets the project `find_project_root` picks."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import CONFIG, Editor, make_project, until, write_settings

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def roots(tmp_path_factory):
    shop, blog, loose = (
        make_project(tmp_path_factory.mktemp(n)) for n in ("shop", "blog", "loose")
    )
    (blog / "pyproject.toml").write_text(
        '[tool.djvet]\nseverity = { DJV201 = "hint" }\n', encoding="utf-8"
    )
    return shop, blog, loose


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, roots):
    shop, blog, _ = roots
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=shop.as_uri(),
            workspace_folders=[
                lsp.WorkspaceFolder(uri=r.as_uri(), name=r.name) for r in (shop, blog)
            ],
            initialization_options={"select": ["DJV201"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_each_folder_uses_its_own_configuration(client: LanguageClient, roots):
    editor = Editor(client)
    severities = []
    for root in roots:
        uri = editor.open(write_settings(root, "site"))
        [diagnostic] = await editor.diagnostics(uri, version=1)
        severities.append(diagnostic.severity)
    assert severities == [
        lsp.DiagnosticSeverity.Error,
        lsp.DiagnosticSeverity.Hint,
        lsp.DiagnosticSeverity.Error,
    ]
    logged = await until(
        lambda: [
            m.message for m in client.log_messages if "settings modules" in m.message
        ],
        "the start-up log lines",
    )
    assert {line.split(":")[0].split(" in ")[1] for line in logged} >= {
        str(roots[0]),
        str(roots[1]),
    }
