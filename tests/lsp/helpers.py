"""Driving `djvet server` from pytest-lsp like an editor would.

`Editor` keeps the client side of text synchronisation (versions, texts), applies
workspace edits the way an editor does (in the negotiated position encoding), and
waits for diagnostics by polling what the client recorded, so a notification that
arrives before the test starts waiting is never missed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

T = TypeVar("T")
SERVER_COMMAND = [sys.executable, "-m", "djvet", "server"]
TIMEOUT = 15.0

PRODUCTION_SETTINGS = """\
SECRET_KEY = "not-a-secret"
DEBUG = True
ALLOWED_HOSTS = ["shop.example.com"]
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth"]
"""


def make_client() -> LanguageClient:
    """pytest-lsp's client, also recording every publish and every registration."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
        client.published.append(params)  # type: ignore[attr-defined]
        client.diagnostics[params.uri] = params.diagnostics

    def register(client: LanguageClient, params: lsp.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    features = {
        **DEFAULT_CLIENT_FEATURES,
        lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
        lsp.CLIENT_REGISTER_CAPABILITY: register,
    }
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)


def write_settings(
    root: Path, package: str, text: str = PRODUCTION_SETTINGS, name: str = "settings.py"
) -> Path:
    """A settings module in its own package (so dotted names never collide)."""
    folder = root / package
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").touch()
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def make_project(root: Path) -> Path:
    (root / "manage.py").write_text("import os\n", encoding="utf-8")
    write_settings(root, "mysite")
    return root


def initialize_params(
    root: Path, capabilities: lsp.ClientCapabilities, options: Any = None
) -> lsp.InitializeParams:
    return lsp.InitializeParams(
        capabilities=capabilities,
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options,
    )


async def until(predicate: Callable[[], T], what: str, timeout: float = TIMEOUT) -> T:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := predicate()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.02)
    return value


class Editor:
    def __init__(self, client: LanguageClient, encoding: str = "utf-16") -> None:
        self.client = client
        self.encoding = encoding
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    @property
    def published(self) -> list[lsp.PublishDiagnosticsParams]:
        return self.client.published  # type: ignore[attr-defined]

    # -- text synchronisation -------------------------------------------------------------
    def open(self, path: Path, language_id: str = "python") -> str:
        uri, text = path.as_uri(), path.read_text(encoding="utf-8")
        self.versions[uri], self.texts[uri] = 1, text
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id=language_id, version=1, text=text
                )
            )
        )
        return uri

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def edit(self, uri: str, where: lsp.Range, text: str) -> int:
        """An incremental change (a range in the negotiated encoding), as editors send."""
        self.versions[uri] += 1
        self.texts[uri] = apply_text_edits(
            self.texts[uri], [lsp.TextEdit(range=where, new_text=text)], self.encoding
        )
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(range=where, text=text)
                ],
            )
        )
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri)
            )
        )

    def apply(self, edit: lsp.WorkspaceEdit) -> dict[str, int]:
        """Apply a workspace edit to the open buffers, as the editor would; uri -> new version."""
        by_uri: dict[str, list[lsp.TextEdit]] = {}
        for change in edit.document_changes or []:
            assert (
                change.text_document.version == self.versions[change.text_document.uri]
            ), "a versioned edit must name the version the editor has"
            by_uri.setdefault(change.text_document.uri, []).extend(change.edits)
        for uri, edits in (edit.changes or {}).items():
            by_uri.setdefault(uri, []).extend(edits)
        return {
            uri: self.change(
                uri, apply_text_edits(self.texts[uri], edits, self.encoding)
            )
            for uri, edits in by_uri.items()
        }

    # -- diagnostics ----------------------------------------------------------------------
    async def diagnostics(
        self, uri: str, version: int | None = None, after: int = 0
    ) -> list[lsp.Diagnostic]:
        """The diagnostics of the first publish for `uri` (at `version`) after index `after`
        whose fixes are final (the server may publish first and verify fixes after)."""

        def found() -> lsp.PublishDiagnosticsParams | None:
            return next(
                (
                    p
                    for p in self.published[after:]
                    if p.uri == uri
                    and (version is None or p.version == version)
                    and not any(
                        d.data and d.data.get("fixPending") for d in p.diagnostics
                    )
                ),
                None,
            )

        params = await until(found, f"diagnostics of {uri} version {version}")
        return list(params.diagnostics)

    async def code_actions(
        self, uri: str, diagnostics: list[lsp.Diagnostic], only: list[str] | None = None
    ) -> list[lsp.CodeAction]:
        where = (
            diagnostics[0].range
            if diagnostics
            else lsp.Range(
                start=lsp.Position(line=0, character=0),
                end=lsp.Position(line=0, character=0),
            )
        )
        result = await self.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=where,
                context=lsp.CodeActionContext(diagnostics=diagnostics, only=only),
            )
        )
        return [a for a in result or [] if isinstance(a, lsp.CodeAction)]


def _units(char: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(char.encode("utf-8"))
    if encoding == "utf-16":
        return len(char.encode("utf-16-le")) // 2
    return 1


def offset_of(text: str, position: lsp.Position, encoding: str) -> int:
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for char in line:
        if units >= position.character or char in "\r\n":
            break
        units += _units(char, encoding)
        offset += 1
    return offset


def apply_text_edits(text: str, edits: list[lsp.TextEdit], encoding: str) -> str:
    spans = [
        (
            offset_of(text, e.range.start, encoding),
            offset_of(text, e.range.end, encoding),
            e.new_text,
        )
        for e in edits
    ]
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def column(text: str, line: int, needle: str, encoding: str) -> int:
    """Where `needle` starts on `line`, counted in the client's code units."""
    line_text = text.splitlines()[line]
    return sum(_units(c, encoding) for c in line_text[: line_text.index(needle)])
