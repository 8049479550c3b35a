"""Rule documentation for hovers: the rule module's docstring, as Markdown or plain text."""

from __future__ import annotations

import inspect
import re

from lsprotocol import types as lsp

from djvet.core.rule import RULES, discover


def rule_hover(code: str, markdown: bool) -> lsp.MarkupContent | None:
    discover()
    rule = RULES.get(code)
    if rule is None:
        return None
    docs = inspect.cleandoc(rule.docs or rule.message)
    # The docstring's `##` sections read as a page; inside a hover they sit under the title.
    docs = re.sub(r"^## ", "#### ", docs, flags=re.M)
    fix = {"always": "fixable", "sometimes": "sometimes fixable", "never": "no fix"}[
        rule.fix.value
    ]
    if markdown:
        value = (
            f"### {rule.code} · {rule.name}\n\n*{rule.family.title}, "
            f"{rule.severity.label}, {fix}*\n\n{docs}\n\n[Rule page]({rule.docs_url})"
        )
        return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=value)
    plain = re.sub(r"^#+ |```\w*\n?", "", docs, flags=re.M)
    return lsp.MarkupContent(
        kind=lsp.MarkupKind.PlainText,
        value=f"{rule.code} {rule.name}\n\n{plain}\n\n{rule.docs_url}",
    )
