"""Helpers of the upload rules: adding a keyword argument to a field call, and the
field names some form or serializer validates by hand (a project fact)."""

from __future__ import annotations

import re
from typing import Any

from djvet.core.model import Edit, Span
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact


def add_keyword(call: Any, text: str) -> Edit:
    """Append `text` as the call's last argument, in its layout (one per line or not)."""
    trailer = call.children[-1]
    closing = trailer.children[-1]
    if len(trailer.children) != 3:
        return Edit(Span.of(closing), text + ")")
    inner = trailer.children[1]
    args = (
        [c for c in inner.children if c != ","] if inner.type == "arglist" else [inner]
    )
    last = args[-1]
    after_last = last.get_next_leaf()
    if closing.start_pos[0] != last.end_pos[0]:
        indent = "\n" + " " * last.start_pos[1]
        if after_last == ",":
            return Edit(
                Span.point(after_last.end_pos[0] - 1, after_last.end_pos[1]),
                f"{indent}{text},",
            )
        return Edit(
            Span.point(last.end_pos[0] - 1, last.end_pos[1]), f",{indent}{text}"
        )
    if after_last == ",":
        return Edit(
            Span.point(after_last.end_pos[0] - 1, after_last.end_pos[1]), f" {text}"
        )
    return Edit(Span.point(last.end_pos[0] - 1, last.end_pos[1]), f", {text}")


# -- the project's validating methods -----------------------------------------------------
_VALIDATOR_DEF = re.compile(r"^\s*def\s+(?:clean|validate)_(\w+)\s*\(", re.M)


def _build_validated(project: ProjectIndex) -> frozenset[str]:
    names: set[str] = set()
    for path in project.python_files():
        text = project.read(path) or ""
        if ("def clean_" in text or "def validate_" in text) and not project.roles(
            path, text
        ) & (FileRole.TESTS | FileRole.MIGRATIONS):
            names.update(_VALIDATOR_DEF.findall(text))
    return frozenset(names)


register_fact("field-validators", FileRole.PYTHON)


def validated_names(project: ProjectIndex) -> frozenset[str]:
    """Field names some form or serializer validates (`clean_file`, `validate_file`)."""
    return project.fact("field-validators", _build_validated)
