"""Shared machinery of the settings rules.

A settings rule looks at the *production* view of the settings (`EffectiveSettings`)
and describes each problem as a `SettingProblem`: either a setting whose value is
wrong (reported at that value, wherever in the star-import chain it was assigned) or
a setting that is missing (reported on the last line of the production module, where
the fix inserts it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from djvet.core.context import FileContext
from djvet.core.edits import insert_at
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Related, Span
from djvet.core.rule import Rule
from djvet.project.settings import EffectiveSettings, Setting, production_settings_for


@dataclass
class SettingProblem:
    message: str
    setting: Setting | None = None  # None: the setting is missing
    replacement: str | None = None  # new source for the setting's value
    insert: str | None = None  # statements to append to the production module
    fix_title: str | None = None
    applicability: Applicability = Applicability.UNSAFE
    span: Span | None = None  # a narrower place than the whole value (e.g. one list item)
    edits: tuple[Edit, ...] = ()  # edits beyond replacement/insert (e.g. `import os`)


Check = Callable[[EffectiveSettings], Iterable[SettingProblem]]


def settings_diagnostics(rule: Rule, ctx: FileContext, check: Check) -> Iterator[Diagnostic]:
    """Run `check` on every production view this file contributes to; keep what lands here."""
    for settings in production_settings_for(ctx.project, ctx.path):
        if rule.django_checks and settings.silenced(*rule.django_checks):
            continue
        for problem in check(settings):
            diagnostic = _diagnostic(rule, ctx, settings, problem)
            if diagnostic is not None:
                yield diagnostic


def _diagnostic(rule: Rule, ctx: FileContext, settings: EffectiveSettings,
                problem: SettingProblem) -> Diagnostic | None:
    if problem.setting is not None:
        if problem.setting.path != ctx.path:
            return None
        span = problem.span or problem.setting.span
        edits = list(problem.edits)
        if problem.replacement is not None:
            edits.append(Edit(problem.setting.span, problem.replacement))
        elif problem.insert is not None:
            edits.append(_append_edit(ctx))
            edits[-1] = Edit(edits[-1].span, edits[-1].new_text + problem.insert)
        related: list[Related] = []
        if settings.module.path != ctx.path:
            related.append(Related(settings.module.path, Span(0, 0, 0, 0),
                                   f"inherited by production settings `{settings.module.dotted}`"))
        return rule.diagnostic(ctx, span, message=problem.message,
                               fix=_fix(rule, problem, edits), related=related)
    if settings.module.path != ctx.path:
        return None
    edits = list(problem.edits)
    if problem.insert is not None:
        edit = _append_edit(ctx)
        edits.append(Edit(edit.span, edit.new_text + problem.insert))
    return rule.diagnostic(ctx, last_statement_span(ctx), message=problem.message,
                           fix=_fix(rule, problem, edits))


def _fix(rule: Rule, problem: SettingProblem, edits: list[Edit]) -> Fix | None:
    if not edits:
        return None
    title = problem.fix_title or rule.fix_title or "Fix the setting"
    return Fix.make(title, edits, problem.applicability)


def _append_edit(ctx: FileContext) -> Edit:
    """An insertion at the end of the file, starting on a fresh line."""
    end = ctx.document.end_span()
    prefix = "" if ctx.text.endswith("\n") or not ctx.text else "\n"
    return insert_at(end.start_line, end.start_column, prefix)


def last_statement_span(ctx: FileContext) -> Span:
    """The last non-blank line of the module: where "missing setting" findings go."""
    lines = ctx.document.lines
    for number in range(len(lines) - 1, -1, -1):
        stripped = lines[number].rstrip()
        if stripped:
            indent = len(stripped) - len(stripped.lstrip())
            return Span(number, indent, number, len(stripped))
    return Span(0, 0, 0, 0)


def has_import(ctx: FileContext, module: str) -> bool:
    """Whether `import module` (or `from module import ...`) is at the module level."""
    for node in ctx.tree.iter_imports():
        if node.type == "import_name" and any(
            ".".join(n.value for n in path) == module for path in node.get_paths()
        ):
            return True
    return False


def import_edit(ctx: FileContext, module: str) -> tuple[Edit, ...]:
    """`import module` after the docstring, unless it is already imported."""
    if has_import(ctx, module):
        return ()
    line = 0
    first = ctx.tree.children[0] if ctx.tree.children else None
    if first is not None and first.type == "simple_stmt" and first.children[0].type == "string":
        end_line, end_column = first.end_pos  # 1-based line; column 0 once past the newline
        line = end_line - 1 if end_column == 0 else end_line
    return (insert_at(line, 0, f"import {module}\n"),)


def env_reader(ctx: FileContext) -> str:
    """How this settings module reads the environment: `env` (django-environ) or `os`."""
    text = ctx.text
    if "environ.Env(" in text and "env = " in text:
        return "env"
    return "os"
