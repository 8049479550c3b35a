"""Which migration operations lock a table on PostgreSQL (DJV905's detection)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from djvet.core.parso_utils import code_of
from djvet.rules.tooling._migrations import Operation

CREATE_INDEX = re.compile(r"\bcreate\s+(unique\s+)?index\s+(?!concurrently\b)", re.I)
# Column types whose `NOT NULL` needs a value for existing rows (no M2M, no generated columns).
_STRINGS = re.compile(r"(Char|Text|Slug|Email|URL|File|Image)Field$")
_COLUMNS = re.compile(
    r"^models\.(?!ManyToMany|Generated)\w*Field$|^models\.(ForeignKey|OneToOneField)$"
)


def for_postgres(node: Any) -> bool:
    """False inside a branch of an `if` on the database vendor that is not PostgreSQL's."""
    current = node
    while current.parent is not None and current.type != "classdef":
        parent = current.parent
        if parent.type == "if_stmt":
            children = parent.children
            tests = [
                children[i + 1] for i, c in enumerate(children) if c in ("if", "elif")
            ]
            if any(
                "vendor" in code_of(t) or "engine" in code_of(t).lower() for t in tests
            ):
                # a suite: `if test :` or `else :` before it
                index = children.index(current)
                test = (
                    children[index - 2]
                    if index >= 3 and children[index - 3] in ("if", "elif")
                    else None
                )
                if test is None or "postgres" not in code_of(test):
                    return False
        current = parent
    return True


def field_problems(found: Operation) -> Iterator[str]:
    field = found.argument(2, "field")
    if field is None or field.type not in ("atom_expr", "power"):
        return
    callee = "".join(code_of(c) for c in field.children[:-1])
    text = code_of(field.children[-1])
    if re.search(r"\b(db_index|unique)\s*=\s*True\b", text):
        yield "`AddField` with an index builds it while blocking writes to the table"
    # Django fills existing rows itself for `auto_now(_add)` and for blank string fields.
    keywords = set(
        re.findall(r"\b(null|default|db_default|auto_now|auto_now_add)\s*=", text)
    )
    blank_string = re.search(r"\bblank\s*=\s*True", text) and _STRINGS.search(callee)
    if _COLUMNS.match(callee) and not keywords and not blank_string:
        yield "`AddField` of a NOT NULL column without a default fails on a table with rows"
