"""Rewriting `STATICFILES_STORAGE` / `DEFAULT_FILE_STORAGE` into `STORAGES`.

`STORAGES` replaces both settings as a whole: an alias it leaves out is not filled in
with Django's default, so the rewrite always writes both aliases — the other old
setting's value when the module sets it, else Django's default backend. When
`STORAGES` already exists before the old setting runs (inherited from a base module, or
assigned above), the rewrite merges: `STORAGES = {**STORAGES, "staticfiles": {...}}`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Applicability, Edit, Fix, Span
from djvet.core.parso_utils import assignment_pairs, code_of
from djvet.core.roles import FileRole
from djvet.project.settings import settings_index
from djvet.rules.static._storage import DEFAULT_BACKENDS, OLD_SETTINGS

STORAGE_NAMES = (*OLD_SETTINGS, "STORAGES")
_READS_OLD = re.compile(r"\b(STATICFILES_STORAGE|DEFAULT_FILE_STORAGE)\b")


@dataclass(frozen=True)
class Assignment:
    """One `NAME = value` of a storage setting in the module, in execution order."""

    name: str
    leaf: Any
    value: Any
    statement: Any  # the simple_stmt holding it
    conditional: bool  # under `if`/`try`/`for`/`with`


def storage_assignments(tree: Any) -> list[Assignment]:
    found: list[Assignment] = []
    _collect(tree.children, False, found)
    return found


def _collect(statements: list[Any], conditional: bool, found: list[Assignment]) -> None:
    for statement in statements:
        if statement.type == "simple_stmt":
            for small in statement.children:
                for leaf, value in assignment_pairs(small):
                    if leaf.value in STORAGE_NAMES:
                        found.append(
                            Assignment(leaf.value, leaf, value, statement, conditional)
                        )
        elif statement.type in (
            "if_stmt",
            "try_stmt",
            "for_stmt",
            "while_stmt",
            "with_stmt",
        ):
            for block in statement.children:
                if block.type == "suite":
                    _collect(block.children, True, found)
                elif block.type == "simple_stmt":
                    _collect([block], True, found)


def storages_fix(
    ctx: FileContext, target: Assignment, assignments: list[Assignment], title: str
) -> Fix | None:
    """The rewrite of `target` (an old storage setting), or None when djvet cannot make
    it correct."""
    if not _only_statement(target) or _old_names_read_here(ctx, assignments):
        return None
    alias = OLD_SETTINGS[target.name]
    before = [a for a in assignments if a.leaf.start_pos < target.leaf.start_pos]
    after = [a for a in assignments if a.leaf.start_pos > target.leaf.start_pos]
    if any(a.name == "STORAGES" for a in after):
        return None  # a later STORAGES would override the rewrite (or clash with it)
    family = _family(ctx)
    if family is None:
        return None
    inherited, descendants_touch, app_reads = family
    if "STORAGES" in inherited or any(a.name == "STORAGES" for a in before):
        text = f"STORAGES = {{**STORAGES, {_entry(alias, target.value)}}}"
        return Fix.make(
            title, [Edit(_statement_span(target), text)], Applicability.UNSAFE
        )
    found = _other_alias(target, assignments, inherited)
    if found is None:
        return None
    other_value, place, edits, unsafe = found
    unsafe = unsafe or descendants_touch or app_reads or _has_comment(target)
    values = {OLD_SETTINGS[place.name]: code_of(place.value)}
    values[OLD_SETTINGS[next(n for n in OLD_SETTINGS if n != place.name)]] = (
        code_of(target.value) if place is not target else other_value
    )
    indent = " " * place.leaf.start_pos[1]
    body = "".join(
        f'{indent}    "{a}": {{"BACKEND": {values[a]}}},\n'
        for a in ("default", "staticfiles")
    )
    edits.append(Edit(_statement_span(place), f"STORAGES = {{\n{body}{indent}}}"))
    return Fix.make(
        title, edits, Applicability.UNSAFE if unsafe else Applicability.SAFE
    )


def _other_alias(
    target: Assignment,
    assignments: list[Assignment],
    inherited: dict[str, str | None],
) -> tuple[str, Assignment, list[Edit], bool] | None:
    """(the other alias's backend source, the assignment STORAGES replaces, edits removing
    the other old setting, whether that makes the fix unsafe)."""
    other_name = next(
        n for n, a in OLD_SETTINGS.items() if a != OLD_SETTINGS[target.name]
    )
    others = [a for a in assignments if a.name == other_name]
    if others:
        other = others[0]
        if (
            len(others) > 1
            or other.conditional
            or target.conditional
            or not _only_statement(other)
        ):
            return None
        # STORAGES goes where the later of the two was: both values' names exist there.
        place, earlier = (
            (other, target)
            if other.leaf.start_pos > target.leaf.start_pos
            else (target, other)
        )
        return (
            code_of(other.value),
            place,
            [Edit(_line_span(earlier.statement), "")],
            _has_comment(other),
        )
    if other_name in inherited:
        literal = inherited[other_name]
        return None if literal is None else (f'"{literal}"', target, [], True)
    return f'"{DEFAULT_BACKENDS[OLD_SETTINGS[other_name]]}"', target, [], False


def _entry(alias: str, value: Any) -> str:
    return f'"{alias}": {{"BACKEND": {code_of(value)}}}'


def _line_span(statement: Any) -> Span:
    """A statement with its line, and the blank lines above it (not comments)."""
    line, column = statement.get_start_pos_of_prefix()
    prefix = statement.get_first_leaf().prefix
    if prefix.strip() or column != 0:
        line, column = statement.start_pos
    end_line, end_column = statement.end_pos
    return Span(line - 1, column, end_line - 1, end_column)


def _statement_span(assignment: Assignment) -> Span:
    return Span.between(assignment.leaf, assignment.value)


def _only_statement(assignment: Assignment) -> bool:
    """`NAME = value` alone on its line (not `A = B = x`, not `a = 1; NAME = x`)."""
    small = [c for c in assignment.statement.children if c.type != "newline"]
    return len(small) == 1 and len(small[0].children) == 3


def _has_comment(assignment: Assignment) -> bool:
    return "#" in assignment.statement.get_code(include_prefix=False)


def _old_names_read_here(ctx: FileContext, assignments: list[Assignment]) -> bool:
    """A read of an old name (`COMPRESS_STORAGE = STATICFILES_STORAGE`) would break."""
    uses = ctx.tree.get_used_names()
    defined = {id(a.leaf) for a in assignments}
    return any(
        id(leaf) not in defined for name in OLD_SETTINGS for leaf in uses.get(name, [])
    )


def _family(ctx: FileContext) -> tuple[dict[str, str | None], bool, bool] | None:
    """(storage settings inherited from the modules this one imports — their literal
    value or None —, whether modules building on this one touch storage settings,
    whether app code reads the old settings)."""
    key = "djv503-family"
    if key not in ctx.cache:
        ctx.cache[key] = _read_family(ctx)
    return ctx.cache[key]


def _read_family(ctx: FileContext) -> tuple[dict[str, str | None], bool, bool] | None:
    index = settings_index(ctx.project)
    path = os.path.abspath(ctx.path)
    if path not in index.modules:
        return None
    inherited: dict[str, str | None] = {}
    for ancestor in index.chain(path):
        if ancestor == path:
            continue
        for name in STORAGE_NAMES:
            setting = index.result(ancestor).names.get(name)
            if setting is not None:
                inherited[name] = (
                    setting.value if isinstance(setting.value, str) else None
                )
    touched = any(
        re.search(
            r"\b(STATICFILES_STORAGE|DEFAULT_FILE_STORAGE|STORAGES)\b",
            ctx.project.read(d) or "",
        )
        for d in _descendants(index.children, path)
    )
    return inherited, touched, _app_reads_old_settings(ctx)


def _descendants(children: dict[str, set[str]], path: str) -> set[str]:
    found: set[str] = set()
    stack = list(children.get(path, ()))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def _app_reads_old_settings(ctx: FileContext) -> bool:
    """`settings.STATICFILES_STORAGE` in the project's own code: it reads Django's
    default (4.2–5.0) or fails (5.1+) once the setting is gone."""
    for path in ctx.project.python_files():
        text = ctx.project.read(path) or ""
        if (
            "_STORAGE" in text
            and _READS_OLD.search(text)
            and not ctx.project.roles(path, text) & FileRole.SETTINGS
        ):
            return True
    return False
