"""textDocument/hover: a rule's docs over its diagnostic, or over its code in `# noqa:`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from parso.utils import split_lines

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
    code = code_at(lines[line], column) or _diagnostic_code_at(ls, params)
    markdown = lsp.MarkupKind.Markdown in (ls.client_capabilities.text_document.hover.content_format
                                           if ls.supports("text_document.hover.content_format") else [])
    content = rule_hover(code, markdown) if code else None
    return lsp.Hover(contents=content) if content else None


def _diagnostic_code_at(ls: DjvetServer, params: lsp.HoverParams) -> str | None:
    analysis = ls.scheduler.results.get(params.text_document.uri)
    position = (params.position.line, params.position.character)
    for diagnostic in analysis.diagnostics if analysis else ():
        start, end = diagnostic.range.start, diagnostic.range.end
        if (start.line, start.character) <= position <= (end.line, end.character):
            return str(diagnostic.code)
    return None
