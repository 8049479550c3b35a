"""textDocument/codeAction: quick fixes, "Ignore DJVxxx for this line", fix-all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from djvet.lsp.actions import (
    FIX_ALL_KIND,
    fix_all_action,
    quick_fix,
    suppress_actions,
    wants,
)
from djvet.lsp.convert import SOURCE

if TYPE_CHECKING:
    from djvet.lsp.server import DjvetServer

OPTIONS = lsp.CodeActionOptions(
    code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND],
    resolve_provider=False,
)


def register(ls: DjvetServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, OPTIONS)(code_actions)


async def code_actions(
    ls: DjvetServer, params: lsp.CodeActionParams
) -> list[lsp.CodeAction]:
    await ls.ready.wait()
    uri, only = params.text_document.uri, params.context.only
    await ls.scheduler.settled(uri)  # fixes still being verified are worth the wait
    document = ls.open_document(uri)
    if document is None:
        return []
    ours = [d for d in params.context.diagnostics if d.source == SOURCE and d.code]
    actions: list[lsp.CodeAction] = []
    if wants(only, lsp.CodeActionKind.QuickFix):
        actions += [a for d in ours if (a := quick_fix(ls, uri, d)) is not None]
        actions += await ls.run(suppress_actions, ls, uri, document.source, ours)
    # Unasked (only=None), fix-all is offered when the latest check saw a SAFE fix.
    analysis = ls.scheduler.results.get(uri)
    asked = only is not None and wants(only, FIX_ALL_KIND)
    useful = only is None and analysis is not None and analysis.has_safe_fix
    if (asked or useful) and (action := await fix_all_action(ls, uri)) is not None:
        actions.append(action)
    return actions
