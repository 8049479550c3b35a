"""`djvet server` end to end with VS Code's capabilities: push diagnostics, UTF-16.

One server for the module; each test works on its own settings package of one
temporary project, so the tests do not depend on each other's order.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import (
    CONFIG,
    PRODUCTION_SETTINGS,
    Editor,
    apply_text_edits,
    column,
    initialize_params,
    make_project,
    until,
    write_settings,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("push"))


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    # Only DJV201: other rules' findings on these files would make the counts drift.
    result = await lsp_client.initialize_session(
        initialize_params(
            project,
            client_capabilities("visual-studio-code"),
            options={"select": ["DJV201"]},
        )
    )
    lsp_client.init_result = result
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client, encoding="utf-16")


async def test_start_up_reports_progress_and_logs_settings_modules(
    client: LanguageClient,
):
    capabilities = client.init_result.capabilities
    assert capabilities.diagnostic_provider is None, (
        "a push client must not be offered pull"
    )
    assert "source.fixAll.djvet" in capabilities.code_action_provider.code_action_kinds
    await until(
        lambda: any(
            isinstance(v, lsp.WorkDoneProgressEnd)
            for values in client.progress_reports.values()
            for v in values
        ),
        "the start-up $/progress to end",
    )
    [token] = [t for t in client.progress_reports if str(t).startswith("djvet-startup")]
    kinds = [type(v).__name__ for v in client.progress_reports[token]]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    logged = await until(
        lambda: [
            m.message for m in client.log_messages if "settings modules" in m.message
        ],
        "the settings log line",
    )
    assert "mysite.settings (base)" in logged[0]


async def test_open_publishes_diagnostic_with_fix_in_data(editor: Editor, project):
    uri = editor.open(write_settings(project, "t_open"))
    [diagnostic] = await editor.diagnostics(uri, version=1)
    assert (diagnostic.code, diagnostic.source) == ("DJV201", "djvet")
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert diagnostic.code_description.href == "https://djvet.dev/rules/DJV201/"
    assert diagnostic.range == lsp.Range(
        start=lsp.Position(line=1, character=8), end=lsp.Position(line=1, character=12)
    )
    data = diagnostic.data
    assert data["applicability"] == "unsafe" and data["title"].startswith(
        "Read `DEBUG`"
    )
    assert {e["uri"] for e in data["edits"]} == {uri}
    assert data["versions"] == {uri: 1}


async def test_change_is_rechecked_and_published_with_its_version(
    editor: Editor, project
):
    uri = editor.open(write_settings(project, "t_change"))
    await editor.diagnostics(uri, version=1)
    version = editor.change(uri, "# moved down a line\n" + PRODUCTION_SETTINGS)
    [diagnostic] = await editor.diagnostics(uri, version=version)
    assert diagnostic.range.start == lsp.Position(line=2, character=8)
    version = editor.change(
        uri, PRODUCTION_SETTINGS.replace("DEBUG = True", "DEBUG = False")
    )
    assert await editor.diagnostics(uri, version=version) == []


async def test_rapid_changes_publish_only_the_latest_version(editor: Editor, project):
    uri = editor.open(write_settings(project, "t_rapid"))
    await editor.diagnostics(uri, version=1)
    mark = len(editor.published)
    for n in range(3):  # faster than the debounce: only the last one is checked
        editor.change(uri, f"# edit {n}\n" + PRODUCTION_SETTINGS)
    [diagnostic] = await editor.diagnostics(uri, version=4, after=mark)
    assert diagnostic.range.start.line == 2
    # Findings first, then again with their verified fixes: both for version 4 only.
    assert {p.version for p in editor.published[mark:] if p.uri == uri} == {4}


async def test_quick_fix_applies_and_clears_the_diagnostic(editor: Editor, project):
    uri = editor.open(write_settings(project, "t_fix"))
    diagnostics = await editor.diagnostics(uri, version=1)
    actions = await editor.code_actions(
        uri, diagnostics, only=[lsp.CodeActionKind.QuickFix]
    )
    fix = next(a for a in actions if a.title.startswith("DJV201: Read `DEBUG`"))
    # UNSAFE fix
    assert fix.kind == lsp.CodeActionKind.QuickFix and not fix.is_preferred
    [version] = editor.apply(fix.edit).values()
    assert (
        'DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"' in editor.texts[uri]
    )
    assert editor.texts[uri].startswith("import os\n")
    assert await editor.diagnostics(uri, version=version) == []


async def test_quick_fix_from_data_spans_files_and_honours_applicability(
    editor: Editor, project
):
    uri = editor.open(write_settings(project, "t_multi"))
    other = project / "t_multi" / "views.py"
    other.write_text("X = 1\n", encoding="utf-8")
    await editor.diagnostics(uri, version=1)
    point = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}

    def diagnostic(title: str, applicability: str, version: int) -> lsp.Diagnostic:
        data = {
            "title": title,
            "applicability": applicability,
            "edits": [
                {"uri": uri, "range": point, "newText": "# a\n"},
                {"uri": other.as_uri(), "range": point, "newText": "# b\n"},
            ],
            "versions": {uri: version, other.as_uri(): None},
        }
        return lsp.Diagnostic(
            range=lsp.Range(
                start=lsp.Position(line=1, character=8),
                end=lsp.Position(line=1, character=12),
            ),
            message="m",
            code="DJV201",
            source="djvet",
            data=data,
        )

    sent = [
        diagnostic("Move", "safe", 1),
        diagnostic("Consider", "display-only", 1),
        diagnostic("Stale", "safe", 0),
    ]
    titles = {
        a.title: a for a in await editor.code_actions(uri, sent, only=["quickfix"])
    }
    assert titles["DJV201: Move"].is_preferred
    assert not titles["DJV201: Consider (suggestion)"].is_preferred
    assert "DJV201: Stale" not in titles, (
        "a fix computed for another version is not offered"
    )
    changes = titles["DJV201: Move"].edit.document_changes
    assert {c.text_document.uri: c.text_document.version for c in changes} == {
        uri: 1,
        other.as_uri(): None,
    }


async def test_ignore_for_this_line_adds_or_extends_noqa(editor: Editor, project):
    text = PRODUCTION_SETTINGS.replace("DEBUG = True", "DEBUG = True  # noqa: E501")
    uri = editor.open(write_settings(project, "t_noqa", text))
    diagnostics = await editor.diagnostics(uri, version=1)
    actions = await editor.code_actions(uri, diagnostics)
    ignore = next(a for a in actions if a.title == "Ignore DJV201 for this line")
    [version] = editor.apply(ignore.edit).values()
    assert editor.texts[uri].splitlines()[1] == "DEBUG = True  # noqa: E501, DJV201"
    assert await editor.diagnostics(uri, version=version) == []


async def test_fix_all_applies_safe_fixes_only(editor: Editor, project):
    uri = editor.open(write_settings(project, "t_fixall"))
    diagnostics = await editor.diagnostics(uri, version=1)
    # DJV201's fix changes behaviour (UNSAFE): fix-all must leave it to the user.
    actions = await editor.code_actions(uri, diagnostics, only=["source.fixAll"])
    assert [a for a in actions if a.kind == "source.fixAll.djvet"] == []
    assert all(a.kind.startswith("source.fixAll") for a in actions)


async def test_hover_shows_rule_docs_on_diagnostic_and_noqa_code(
    editor: Editor, project
):
    text = PRODUCTION_SETTINGS + "X = 1  # noqa: DJV201\n"
    uri = editor.open(write_settings(project, "t_hover", text))
    await editor.diagnostics(uri, version=1)
    for line, character in ((1, 9), (4, column(text, 4, "DJV201", "utf-16") + 2)):
        hover = await editor.client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=lsp.Position(line=line, character=character),
            )
        )
        assert hover is not None and hover.contents.kind == lsp.MarkupKind.Markdown
        assert "### DJV201 · debug-enabled" in hover.contents.value
        assert "#### Why is this bad?" in hover.contents.value
    nothing = await editor.client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=0, character=1),
        )
    )
    assert nothing is None


async def test_non_ascii_line_keeps_utf16_columns(editor: Editor, project):
    text = PRODUCTION_SETTINGS.replace("DEBUG = True", 'SITE = "🛒 shop"; DEBUG = True')
    uri = editor.open(write_settings(project, "t_emoji", text))
    [diagnostic] = await editor.diagnostics(uri, version=1)
    start = column(text, 1, "True", "utf-16")
    # the emoji is two UTF-16 units
    assert start == len('SITE = "🛒 shop"; DEBUG = ') + 1
    assert (diagnostic.range.start.character, diagnostic.range.end.character) == (
        start,
        start + 4,
    )
    [action] = [
        a
        for a in await editor.code_actions(uri, [diagnostic], only=["quickfix"])
        if a.title.startswith("DJV201")
    ]
    edits = action.edit.document_changes[0].edits
    fixed = apply_text_edits(text, edits, "utf-16")
    assert (
        'SITE = "🛒 shop"; DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"'
        in fixed
    )
    # An incremental change at that UTF-16 range lands on `True` in the server's copy too.
    version = editor.edit(uri, diagnostic.range, "False")
    assert 'SITE = "🛒 shop"; DEBUG = False' in editor.texts[uri]
    assert await editor.diagnostics(uri, version=version) == []


async def test_settings_change_rechecks_other_open_documents(editor: Editor, project):
    base = write_settings(project, "t_split/settings", name="base.py")
    production = write_settings(
        project, "t_split/settings", "from .base import *\n", name="production.py"
    )
    # created after start-up: the editor's watcher says so
    for path in (
        base,
        production,
    ):
        _notify_changed(editor, path, lsp.FileChangeType.Created)
    base_uri = editor.open(base)
    [inherited] = await editor.diagnostics(base_uri, version=1)
    assert inherited.related_information[0].location.uri == production.as_uri()
    production_uri = editor.open(production)
    mark = len(editor.published)
    editor.change(production_uri, "from .base import *\n\nDEBUG = False\n")
    assert await editor.diagnostics(base_uri, version=1, after=mark) == []


async def test_pyproject_change_reloads_configuration(editor: Editor, project):
    assert any(
        r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
        for r in editor.client.registrations
    )
    uri = editor.open(write_settings(project, "t_config"))
    await editor.diagnostics(uri, version=1)
    pyproject = project / "pyproject.toml"
    try:
        pyproject.write_text(
            '[tool.djvet]\nseverity = { DJV201 = "warning" }\n', encoding="utf-8"
        )
        mark = len(editor.published)
        _notify_changed(editor, pyproject, lsp.FileChangeType.Created)
        [diagnostic] = await editor.diagnostics(uri, version=1, after=mark)
        assert diagnostic.severity == lsp.DiagnosticSeverity.Warning
    finally:
        pyproject.unlink()
        mark = len(editor.published)
        _notify_changed(editor, pyproject, lsp.FileChangeType.Deleted)
        [diagnostic] = await editor.diagnostics(uri, version=1, after=mark)
        assert diagnostic.severity == lsp.DiagnosticSeverity.Error


def _notify_changed(editor: Editor, path, kind: lsp.FileChangeType) -> None:
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=path.as_uri(), type=kind)]
        )
    )
