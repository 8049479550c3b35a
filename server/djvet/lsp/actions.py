"""Building code actions: quick fixes from `Diagnostic.data`, `# noqa` actions, fix-all.

Edits for open documents are versioned (`documentChanges`) when the client supports
it, so an editor refuses an edit computed for text it no longer has; a quick fix
whose recorded versions are not the current ones is not offered at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from djvet.core.document import Document
from djvet.core.model import Applicability
from djvet.lsp.analysis import fix_all, minimal_edit
from djvet.lsp.convert import SOURCE, path_of, range_from_json, to_range, uri_of
from djvet.lsp.suppress import noqa_edit

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer

log = logging.getLogger(__name__)
# source.fixAll.djvet
FIX_ALL_KIND = f"{lsp.CodeActionKind.SourceFixAll.value}.{SOURCE}"
SUGGESTION = " (suggestion)"


def wants(only: list[str] | None, kind: str) -> bool:
    """Whether a kind passes the client's `only` filter (a prefix selects its sub-kinds)."""
    return only is None or any(kind == o or kind.startswith(f"{o}.") for o in only)


def workspace_edit(
    ls: DjvetServer, edits: Mapping[str, list[lsp.TextEdit]]
) -> lsp.WorkspaceEdit:
    if not ls.supports("workspace.workspace_edit.document_changes"):
        return lsp.WorkspaceEdit(changes={uri: list(e) for uri, e in edits.items()})
    changes: list[Any] = []
    for uri, text_edits in edits.items():
        document = ls.open_document(uri)
        identifier = lsp.OptionalVersionedTextDocumentIdentifier(
            uri=uri, version=document.version if document else None
        )
        changes.append(
            lsp.TextDocumentEdit(text_document=identifier, edits=list(text_edits))
        )
    return lsp.WorkspaceEdit(document_changes=changes)


def fix_data(
    ls: DjvetServer, uri: str, diagnostic: lsp.Diagnostic
) -> dict[str, Any] | None:
    """The fix carried by a diagnostic, or by our own copy when the client dropped `data`."""
    data = diagnostic.data
    if not (isinstance(data, Mapping) and data.get("edits")):
        analysis = ls.scheduler.results.get(uri)
        matches = [
            d.data
            for d in (analysis.diagnostics if analysis else ())
            if d.code == diagnostic.code
            and d.range.start.line == diagnostic.range.start.line
        ]
        data = matches[0] if matches else None
    return data if isinstance(data, Mapping) and data.get("edits") else None


def quick_fix(
    ls: DjvetServer, uri: str, diagnostic: lsp.Diagnostic
) -> lsp.CodeAction | None:
    data = fix_data(ls, uri, diagnostic)
    if data is None or not _current(ls, data.get("versions", {})):
        return None
    try:
        edits: dict[str, list[lsp.TextEdit]] = {}
        for edit in data["edits"]:
            edits.setdefault(edit["uri"], []).append(
                lsp.TextEdit(
                    range=range_from_json(edit["range"]), new_text=str(edit["newText"])
                )
            )
    except (
        KeyError,
        TypeError,
        ValueError,
    ):  # data mangled on its way through the client
        return None
    suggestion = data.get("applicability") == Applicability.DISPLAY_ONLY.label
    return lsp.CodeAction(
        title=f"{diagnostic.code}: {data.get('title', 'Fix')}{SUGGESTION if suggestion else ''}",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=data.get("applicability") == Applicability.SAFE.label,
        edit=workspace_edit(ls, edits),
    )


def _current(ls: DjvetServer, versions: Mapping[str, Any]) -> bool:
    for uri, version in versions.items():
        document = ls.open_document(uri)
        if (document.version if document else None) != version:
            return False
    return True


def suppress_actions(
    ls: DjvetServer, uri: str, text: str, diagnostics: list[lsp.Diagnostic]
) -> list[lsp.CodeAction]:
    """ "Ignore DJVxxx for this line" per diagnostic; runs on the analysis thread (parses)."""
    path = path_of(uri) or uri
    document = Document.for_path(path, text)
    actions = []
    for diagnostic in diagnostics:
        code = str(diagnostic.code)
        edit = noqa_edit(document, diagnostic.range.start.line, code)
        if edit is None:
            continue
        text_edit = lsp.TextEdit(
            range=to_range(document.lines, edit.span, ls.workspace.position_codec),
            new_text=edit.new_text,
        )
        actions.append(
            lsp.CodeAction(
                title=f"Ignore {code} for this line",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=workspace_edit(ls, {uri: [text_edit]}),
            )
        )
    return actions


async def fix_all_action(ls: DjvetServer, uri: str) -> lsp.CodeAction | None:
    """Every SAFE fix of the document, applied in memory to a fixed point."""
    document, located = ls.open_document(uri), ls.locate(uri)
    if document is None or located is None:
        return None
    version = document.version
    changed = await ls.run(fix_all, located[0], located[1], document.source)
    current = ls.open_document(uri)
    if not changed or current is None or current.version != version:
        return None  # nothing to fix, or the buffer moved on while we computed
    codec = ls.workspace.position_codec
    edits = {
        uri if path == located[1] else uri_of(path): [
            minimal_edit(before, after, codec)
        ]
        for path, (before, after) in changed.items()
    }
    return lsp.CodeAction(
        title="djvet: Fix all safe fixes",
        kind=FIX_ALL_KIND,
        edit=workspace_edit(ls, edits),
    )
