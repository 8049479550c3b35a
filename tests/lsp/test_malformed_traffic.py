"""Malformed traffic never takes the server down: requests about unknown documents,
out-of-range positions, changes to unopened documents, bad params, binary and huge
files and deep nesting get an error or are ignored, and the server keeps serving."""

from __future__ import annotations

import contextlib

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import CONFIG, Editor, initialize_params, make_project, write_settings

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("malformed"))
    # a symlink loop in the workspace
    (root / "loop").symlink_to(root, target_is_directory=True)
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    lsp_client.init_result = await lsp_client.initialize_session(
        initialize_params(
            project,
            client_capabilities("visual-studio-code"),
            options={"select": ["DJV201"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client, encoding="utf-16")


async def still_serving(editor: Editor, project, package: str) -> None:
    uri = editor.open(write_settings(project, package))
    assert [d.code for d in await editor.diagnostics(uri, version=1)] == ["DJV201"]


def far(line: int = 10_000, character: int = 10_000) -> lsp.Range:
    return lsp.Range(
        start=lsp.Position(line=line, character=character),
        end=lsp.Position(line=line, character=character + 5),
    )


async def test_requests_about_unknown_documents_and_positions(editor: Editor, project):
    unknown = (project / "nowhere.py").as_uri()
    client = editor.client
    for request in (
        client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=unknown),
                position=lsp.Position(line=3, character=1),
            )
        ),
        client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=unknown),
                range=far(),
                context=lsp.CodeActionContext(diagnostics=[]),
            )
        ),
    ):
        # an error answer is fine; a dead server is not
        with contextlib.suppress(Exception):
            await request
    uri = editor.open(write_settings(project, "m_positions"))
    await editor.diagnostics(uri, version=1)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=9999, character=9999),
        )
    )
    assert hover is None
    await still_serving(editor, project, "m_after_positions")


async def test_changes_to_unopened_documents_and_bad_ranges(editor: Editor, project):
    never_opened = (project / "mysite" / "settings.py").as_uri()
    editor.client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(
                uri=never_opened, version=7
            ),
            content_changes=[
                lsp.TextDocumentContentChangePartial(range=far(), text="x = 1\n")
            ],
        )
    )
    editor.client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=never_opened)
        )
    )
    uri = editor.open(write_settings(project, "m_ranges"))
    await editor.diagnostics(uri, version=1)
    editor.versions[uri] += 1
    editor.client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(
                uri=uri, version=editor.versions[uri]
            ),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=far(), text="# appended far away\n"
                )
            ],
        )
    )
    await still_serving(editor, project, "m_after_ranges")


async def test_binary_huge_and_deeply_nested_documents(editor: Editor, project):
    folder = project / "m_odd"
    folder.mkdir()
    cases = {
        "binary.py": "\x00\x01\x02 DEBUG = True \udcff".encode(
            "utf-8", "surrogateescape"
        ).decode("utf-8", "replace"),
        "huge.py": "x = 1\n" * 60_000,
        "nested.py": "x = " + "[" * 400 + "]" * 400 + "\n" + "(" * 300 + "\n",
    }
    for name, text in cases.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        uri = editor.open(path)
        assert await editor.diagnostics(uri, version=1) is not None
    await still_serving(editor, project, "m_after_odd")
