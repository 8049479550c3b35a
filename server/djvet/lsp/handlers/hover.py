"""textDocument/hover: a rule's docs over its diagnostic, or over its code in `# noqa:`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from parso.utils import split_lines
from pygls.capabilities import get_capability

from djvet.lsp.convert import from_position
from djvet.lsp.docs import rule_hover
from djvet.lsp.suppress import code_at

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer


def register(ls: DjvetServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)


async def hover(ls: DjvetServer, params: lsp.HoverParams) -> lsp.Hover | None:
    await ls.ready.wait()
    document = ls.open_document(params.text_document.uri)
    if document is None:
        return None
    lines = split_lines(document.source)
    line, column = from_position(lines, params.position, ls.workspace.position_codec)
    code = code_at(lines[line], column) or _diagnostic_code_at(
        ls, params, document.version
    )
    formats = get_capability(
        ls.client_capabilities, "text_document.hover.content_format", None
    )
    markdown = lsp.MarkupKind.Markdown in (formats or [])
    content = rule_hover(code, markdown) if code else None
    return lsp.Hover(contents=content) if content else None


def _diagnostic_code_at(
    ls: DjvetServer, params: lsp.HoverParams, version: int | None
) -> str | None:
    analysis = ls.scheduler.results.get(params.text_document.uri)
    if analysis is None or analysis.version != version:
        return None  # ranges of another version would point at the wrong text
    position = (params.position.line, params.position.character)
    for diagnostic in analysis.diagnostics:
        start, end = diagnostic.range.start, diagnostic.range.end
        if (start.line, start.character) <= position <= (end.line, end.character):
            return str(diagnostic.code)
    return None
