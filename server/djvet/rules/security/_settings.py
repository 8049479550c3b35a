"""Shared machinery of the settings rules.

A settings rule looks at the *production* view of the settings (`EffectiveSettings`)
and describes each problem as a `SettingProblem`: either a setting whose value is
wrong (reported at that value, wherever in the star-import chain it was assigned) or
a setting that is missing (reported on the last line of the production module, where
the fix appends it).

Problems carry the Django system check they mirror (`security.W004`), so
`SILENCED_SYSTEM_CHECKS` silences exactly what it silences for `check --deploy`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_after, insert_at, insert_before
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Related, Span
from djvet.core.parso_utils import iter_nodes, list_items, string_value
from djvet.core.rule import Rule
from djvet.project.settings import EffectiveSettings, Setting, production_settings_for

SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
XFRAME_MIDDLEWARE = "django.middleware.clickjacking.XFrameOptionsMiddleware"


@dataclass
class SettingProblem:
    message: str
    setting: Setting | None = None  # None: the setting is missing
    replacement: str | None = None  # new source for the setting's value
    insert: str | None = None  # statements to append to the file of the finding
    fix_title: str | None = None
    applicability: Applicability = Applicability.UNSAFE
    # a narrower place than the whole value (e.g. one list item)
    span: Span | None = None
    edits: tuple[Edit, ...] = ()  # edits beyond replacement/insert (e.g. `import os`)
    django_check: str | None = None  # the Django system check this problem mirrors
    # Codes the fix may uncover without causing them (they are gated on what it adds).
    reveals: tuple[str, ...] = ()


Check = Callable[[EffectiveSettings], Iterable[SettingProblem]]


def settings_diagnostics(
    rule: Rule, ctx: FileContext, check: Check
) -> Iterator[Diagnostic]:
    """Run `check` on every production view this file contributes to; keep what lands here."""
    for settings in production_settings_for(ctx.project, ctx.path):
        if rule.django_checks and all(settings.silenced(c) for c in rule.django_checks):
            continue
        for problem in check(settings):
            if problem.django_check and settings.silenced(problem.django_check):
                continue
            diagnostic = _diagnostic(rule, ctx, settings, problem)
            if diagnostic is not None:
                yield diagnostic


def _diagnostic(
    rule: Rule, ctx: FileContext, settings: EffectiveSettings, problem: SettingProblem
) -> Diagnostic | None:
    extra: dict[str, Any] = (
        {"django_check": problem.django_check} if problem.django_check else {}
    )
    if problem.reveals:
        extra["reveals"] = problem.reveals
    if problem.setting is not None:
        if problem.setting.path != ctx.path:
            return None
        span = problem.span or problem.setting.span
        edits = list(problem.edits)
        if problem.replacement is not None:
            edits.append(Edit(problem.setting.span, problem.replacement))
        if problem.insert is not None:
            edits.append(append_edit(ctx, problem.insert))
        related: list[Related] = []
        if settings.module.path != ctx.path:
            related.append(
                Related(
                    settings.module.path,
                    Span(0, 0, 0, 0),
                    f"inherited by production settings `{settings.module.dotted}`",
                )
            )
        return rule.diagnostic(
            ctx,
            span,
            message=problem.message,
            fix=_fix(rule, problem, edits),
            related=related,
            **extra,
        )
    # A missing setting: only when this is the production module, djvet sees all of
    # it, and no production module it builds on reports the same gap.
    if (
        settings.module.path != ctx.path
        or not settings.complete
        or settings.inherits_view
    ):
        return None
    edits = list(problem.edits)
    if problem.insert is not None:
        edits.append(append_edit(ctx, problem.insert))
    return rule.diagnostic(
        ctx,
        last_statement_span(ctx),
        message=problem.message,
        fix=_fix(rule, problem, edits),
        **extra,
    )


def _fix(rule: Rule, problem: SettingProblem, edits: list[Edit]) -> Fix | None:
    if not edits:
        return None
    title = problem.fix_title or rule.fix_title or "Fix the setting"
    return Fix.make(title, edits, problem.applicability)


def append_edit(ctx: FileContext, text: str) -> Edit:
    """An insertion of `text` at the end of the module, starting on a fresh line — but
    before a trailing `from .local_settings import *` (maybe under `if`/`try`), so that
    local overrides keep the last word."""
    overrides = _trailing_star_imports(ctx.tree)
    if overrides is not None:
        line, column = overrides.get_first_leaf().get_start_pos_of_prefix()
        if column == 0:
            return insert_at(line - 1, 0, text)
    end = ctx.document.end_span()
    prefix = "" if ctx.text.endswith(("\n", "\r")) or not ctx.text else "\n"
    return insert_at(end.start_line, end.start_column, prefix + text)


def _trailing_star_imports(tree: Any) -> Any:
    """The first of the `if`/`try` blocks ending the module that star-import optional
    overrides (`try: from .local_settings import *`)."""
    statements = [c for c in tree.children if c.type not in ("endmarker", "newline")]
    first = None
    for statement in reversed(statements):
        if statement.type not in ("if_stmt", "try_stmt") or not any(
            n.is_star_import() for n in iter_nodes(statement, {"import_from"})
        ):
            break
        first = statement
    return first


def last_statement_span(ctx: FileContext) -> Span:
    """The last non-blank line of the module: where "missing setting" findings go."""
    lines = ctx.document.lines
    for number in range(len(lines) - 1, -1, -1):
        stripped = lines[number].rstrip()
        if stripped:
            indent = len(stripped) - len(stripped.lstrip())
            return Span(number, indent, number, len(stripped))
    return Span(0, 0, 0, 0)


# -- reading the production view -------------------------------------------------------
def uses(settings: EffectiveSettings, name: str, item: str) -> bool:
    """Whether list setting `name` (MIDDLEWARE, INSTALLED_APPS) holds `item`, for the
    checks Django only runs when it does. A missing setting is Django's empty default.
    A list djvet cannot read counts as the standard `startproject` stack (which has
    every item these checks ask about); a list read except for what a loop or plugin
    hook appends counts as what djvet read."""
    setting = settings.get(name)
    if setting is None:
        return False
    if setting.conditional or not isinstance(setting.value, (list, tuple)):
        return True
    return item in setting.value or item in setting.maybe_added


def middleware(settings: EffectiveSettings, dotted: str) -> bool:
    return uses(settings, "MIDDLEWARE", dotted)


def security_middleware_active(settings: EffectiveSettings) -> bool:
    """Django skips the HSTS/SSL/nosniff/referrer checks without SecurityMiddleware."""
    return middleware(settings, SECURITY_MIDDLEWARE)


def installed(settings: EffectiveSettings, app: str) -> bool:
    return uses(settings, "INSTALLED_APPS", app)


def wrong(setting: Setting | None, ok: Callable[[Any], bool]) -> bool:
    """A present setting whose value is certain and fails `ok`."""
    return setting is not None and setting.known and not ok(setting.value)


def describe(setting: Setting, shown: str | None = None) -> str:
    """ "is `False`" or "defaults to `False` when `VAR` is unset", for messages."""
    if shown is None:
        text = repr(setting.value)
        shown = f"`{text if len(text) <= 32 else text[:29] + '...'}`"
    if setting.from_env:
        return (
            f"defaults to {shown} when `{setting.env_var or 'its variable'}` is unset"
        )
    return f"is {shown}"


def string_items(setting: Setting) -> list[tuple[Any, str]] | None:
    """(node, value) of each string item of a list/tuple literal setting, else None."""
    items = list_items(setting.value_node)
    if items is None:
        return None
    result = []
    for node in items:
        value = string_value(node)
        if value is not None:
            result.append((node, value))
    return result


def item_span(setting: Setting, value: str) -> Span | None:
    """The span of a string item of a list literal setting."""
    for node, item in string_items(setting) or ():
        if item == value:
            return Span.of(node)
    return None


def insert_list_item(setting: Setting, index: int, item: str) -> Edit | None:
    """An edit adding the string `item` at `index` of the setting's list literal,
    in the list's own layout (one item per line, or all on one line)."""
    node = setting.value_node
    items = list_items(node)
    if items is None:
        return None
    quote = _quote_of(items)
    text = f"{quote}{item}{quote}"
    if not items:
        return Edit(
            Span.of(node), f"{node.children[0].value}{text}{node.children[-1].value}"
        )
    multiline = items[0].start_pos[0] != node.start_pos[0]
    indent = " " * items[0].start_pos[1]
    if index < len(items):
        separator = f",\n{indent}" if multiline else ", "
        return insert_before(items[index], text + separator)
    last = items[-1]
    following = last.get_next_leaf()
    if following is not None and following == ",":
        separator = f"\n{indent}" if multiline else " "
        return (
            insert_after(following, f"{separator}{text},")
            if multiline
            else insert_after(following, f"{separator}{text}")
        )
    separator = f",\n{indent}" if multiline else ", "
    return insert_after(last, separator + text)


def _quote_of(items: list[Any]) -> str:
    for node in items:
        if node.type == "string":
            prefix_free = node.value.lstrip("rRbBuU")
            if prefix_free[:1] in ("'", '"'):
                return prefix_free[0]
    return '"'


# -- writing settings ------------------------------------------------------------------
def env_reader(ctx: FileContext) -> str:
    """How this settings module reads the environment: `env` (django-environ),
    `config` (python-decouple) or `os`."""
    text = ctx.text
    if "environ.Env(" in text and "env = " in text:
        return "env"
    if "from decouple import" in text and "config" in text:
        return "config"
    return "os"


def env_expression(ctx: FileContext, var: str, kind: str, default: Any) -> str:
    """Source reading `var` from the environment as `kind` (bool, int, str, list),
    in the style the module already uses, falling back to `default`."""
    reader = env_reader(ctx)
    if reader == "env":
        return f'env.{kind}("{var}", default={default!r})'.replace("'", '"')
    if reader == "config":
        if kind == "list":
            return f'config("{var}", default="{",".join(default)}").split(",")'
        cast = "" if kind == "str" else f", cast={kind}"
        return f'config("{var}", default={_py(default)}{cast})'
    if kind == "bool":
        text = "True" if default else "False"
        return f'os.environ.get("{var}", "{text}") == "True"'
    if kind == "int":
        return f'int(os.environ.get("{var}", "{default}"))'
    if kind == "list":
        joined = ",".join(default)
        return f'os.environ.get("{var}", "{joined}").split(",")'
    return f'os.environ.get("{var}", {_py(default)})'


def required_env(ctx: FileContext, var: str) -> str:
    """Source reading a variable the deployment must set (no default: fail loudly)."""
    reader = env_reader(ctx)
    if reader == "env":
        return f'env("{var}")'
    if reader == "config":
        return f'config("{var}")'
    return f'os.environ["{var}"]'


def env_imports(ctx: FileContext) -> tuple[Edit, ...]:
    """`import os` when the expressions above need it and the module lacks it."""
    return import_edit(ctx, "os") if env_reader(ctx) == "os" else ()


def _py(value: Any) -> str:
    return repr(value).replace("'", '"') if isinstance(value, str) else repr(value)


def has_import(ctx: FileContext, module: str) -> bool:
    """Whether `import module` is at the module level."""
    for node in ctx.tree.iter_imports():
        if node.type == "import_name" and any(
            ".".join(n.value for n in path) == module for path in node.get_paths()
        ):
            return True
    return False


def import_edit(ctx: FileContext, module: str) -> tuple[Edit, ...]:
    """`import module` after the docstring and `__future__` imports, unless present."""
    if has_import(ctx, module):
        return ()
    line = 0
    for child in ctx.tree.children:
        is_docstring = (
            child.type == "simple_stmt"
            and child.children[0].type == "string"
            and line == 0
        )
        is_future = (
            child.type == "simple_stmt"
            and child.children[0].type == "import_from"
            and [n.value for n in child.children[0].get_from_names()] == ["__future__"]
        )
        if not (is_docstring or is_future):
            break
        # 1-based line; column 0 once past the newline
        end_line, end_column = child.end_pos
        line = end_line - 1 if end_column == 0 else end_line
    return (insert_at(line, 0, f"import {module}\n"),)


# -- middleware ------------------------------------------------------------------------
Placement = Callable[[list[str]], int]  # where in the literal's items the new one goes


def missing_middleware(
    settings: EffectiveSettings,
    dotted: str,
    message: str,
    *,
    place: Placement,
    check: str,
    reveals: tuple[str, ...] = (),
    applicability: Applicability = Applicability.SAFE,
) -> SettingProblem | None:
    """A problem when `dotted` is certainly absent from MIDDLEWARE; its fix inserts it
    into the MIDDLEWARE list literal at `place(items)`."""
    setting = settings.get("MIDDLEWARE")
    short = dotted.rsplit(".", 1)[-1]
    if setting is None:
        return SettingProblem(
            f"`MIDDLEWARE` is not set, so `{short}` is not installed",
            django_check=check,
        )
    if setting.contains(dotted) is not False:
        return None
    nodes = list_items(setting.value_node)
    edit = None
    if nodes is not None:
        edit = insert_list_item(
            setting, place([string_value(n) or "" for n in nodes]), dotted
        )
    return SettingProblem(
        message,
        setting,
        span=Span.of(setting.name_node),
        edits=(edit,) if edit is not None else (),
        fix_title=f"Add `{short}` to `MIDDLEWARE`",
        applicability=applicability,
        django_check=check,
        reveals=reveals,
    )


def true_value(ctx: FileContext, setting: Setting) -> tuple[str, tuple[Edit, ...]]:
    """The replacement of a setting that must be `True`: `True`, or, when it is read
    from the environment, the same variable with `True` as its default."""
    if setting.from_env and setting.env_var:
        return env_expression(ctx, setting.env_var, "bool", True), env_imports(ctx)
    return "True", ()
