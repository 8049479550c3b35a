"""Check a document: one walk of its tree, dispatching to the enabled rules' handlers.

The engine also owns fix verification: a fix is offered only if applying it keeps the
code parseable, removes its finding and adds no other.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from djvet.core.config import Config
from djvet.core.context import FileContext
from djvet.core.document import Document, error_nodes, forget_shared, parse_shared
from djvet.core.edits import OverlappingEditsError, apply_to_files, group_by_path
from djvet.core.model import Diagnostic, Language
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Rule, discover
from djvet.core.timing import Clock
from djvet.project.index import ProjectIndex, normalize

log = logging.getLogger(__name__)


@dataclass
class Statistics:
    """Time spent per rule and per phase, for `djvet check --statistics`."""

    per_rule: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    per_phase: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def merge(self, other: Statistics) -> None:
        for code, seconds in other.per_rule.items():
            self.per_rule[code] += seconds
        self.add_phases(other.per_phase)

    def add_phases(self, phases: dict[str, float]) -> None:
        for phase, seconds in phases.items():
            self.per_phase[phase] += seconds


@dataclass
class _Plan:
    node_handlers: dict[str, list[tuple[Rule, Any]]]
    module_handlers: list[tuple[Rule, Any]]

    @cached_property
    def node_types(self) -> frozenset[str]:
        return frozenset(self.node_handlers)


def enabled_rules(
    config: Config, roles: FileRole, language: Language, relative_path: str
) -> list[Rule]:
    candidates = _enabled_for(config, roles, language)
    if not config.per_file_ignores:
        return list(candidates)
    return [
        rule
        for rule in candidates
        if not config.ignored_for_path(rule.code, relative_path)
    ]


# The selection layers were decided for every rule of every file: 4% of a cold run.
# They depend on the registered rules, the configuration, and the file's roles and
# language alone. Keyed by the configuration's identity (it holds mappings, so it does
# not hash), kept alive here so an identity is never reused.
_ENABLED: dict[
    tuple[frozenset[str], int, FileRole, Language], tuple[Config, tuple[Rule, ...]]
] = {}


def _enabled_for(
    config: Config, roles: FileRole, language: Language
) -> tuple[Rule, ...]:
    rules = discover()
    key = (frozenset(rules), id(config), roles, language)
    cached = _ENABLED.get(key)
    if cached is not None and cached[0] is config:
        return cached[1]
    enabled = tuple(
        rule
        for code, rule in sorted(rules.items())
        if rule.applies_to & roles
        and not rule.excludes & roles
        and language in rule.languages
        and config.is_enabled(code, default_enabled=rule.default_enabled)
    )
    if len(_ENABLED) > 512:  # editors make a configuration per settings change
        _ENABLED.clear()
    _ENABLED[key] = (config, enabled)
    return enabled


_plans: dict[frozenset[str], _Plan] = {}


def _plan(rules: list[Rule]) -> _Plan:
    key = frozenset(rule.code for rule in rules)
    if key not in _plans:
        node_handlers: dict[str, list[tuple[Rule, Any]]] = defaultdict(list)
        module_handlers: list[tuple[Rule, Any]] = []
        for rule in rules:
            for node_type, handlers in rule.node_handlers.items():
                node_handlers[node_type].extend((rule, h) for h in handlers)
            module_handlers.extend((rule, h) for h in rule.module_handlers)
        _plans[key] = _Plan(dict(node_handlers), module_handlers)
    return _plans[key]


def _run(
    rule: Rule,
    handler: Any,
    args: tuple[Any, ...],
    ctx: FileContext,
    out: list[Diagnostic],
    stats: Statistics | None,
) -> None:
    clock = Clock() if stats is not None else None
    try:
        result = handler(*args)
        if result is not None:
            out.extend(result)
    except Exception:  # one broken rule must not hide the others' findings
        log.exception("rule %s (%s) failed on %s", rule.code, rule.name, ctx.path)
    if clock is not None:
        stats.per_rule[rule.code] += clock.own()  # parsing and facts are phases


def _walk(
    ctx: FileContext, plan: _Plan, out: list[Diagnostic], stats: Statistics | None
) -> None:
    """Every node of a handled type, in document order, to its handlers. The nodes come
    from the module's index by type (`iter_nodes`), shared with the rules that ask for
    the same types, instead of a walk of every node."""
    handlers = plan.node_handlers
    for node in iter_nodes(ctx.tree, plan.node_types):
        for rule, handler in handlers[node.type]:
            _run(rule, handler, (ctx, node), ctx, out, stats)


def check_document(
    document: Document,
    project: ProjectIndex,
    *,
    config: Config | None = None,
    verify_fixes: bool = True,
    stats: Statistics | None = None,
) -> list[Diagnostic]:
    """Every finding for `document`, suppressions applied, fixes verified."""
    config = config or project.config
    roles = project.roles(document.path, document.text)
    relative = config.relative(document.path)
    rules = [
        r
        for r in enabled_rules(config, roles, document.language, relative)
        if not r.requires_text or any(word in document.text for word in r.requires_text)
    ]
    if not rules:
        return []
    whole = Clock(phases=True) if stats is not None else None
    clock = Clock() if stats is not None else None
    ctx = FileContext(document=document, roles=roles, config=config, project=project)
    plan = _plan(rules)
    found: list[Diagnostic] = []
    if document.language is Language.PYTHON and plan.node_handlers:
        _walk(ctx, plan, found, stats)
    for rule, handler in plan.module_handlers:
        _run(rule, handler, (ctx,), ctx, found, stats)
    found = _unsuppressed(_dedupe(found), document)
    if clock is not None:
        stats.per_phase["rules"] += clock.own()
    if verify_fixes:
        clock = Clock() if stats is not None else None
        before = Counter(d.code for d in found)
        verdicts: dict[Any, str | None] = {}  # one verification per distinct fix
        found = [
            _verified(d, document, project, config, before, verdicts) for d in found
        ]
        if clock is not None:
            stats.per_phase["fix verification"] += clock.own()
    if whole is not None:
        stats.add_phases(whole.phases_spent())  # parsing, project facts
    return sorted(found, key=Diagnostic.sort_key)


def _dedupe(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, Any, str]] = set()
    unique = []
    for diagnostic in found:
        key = (diagnostic.code, diagnostic.span, diagnostic.path)
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique


def _unsuppressed(found: list[Diagnostic], document: Document) -> list[Diagnostic]:
    if not found:
        return found  # reading suppressions parses the module: not for nothing
    suppressions = document.suppressions
    if not suppressions.by_line and not suppressions.file_wide:
        return found
    return [
        d
        for d in found
        if not (
            d.path == document.path
            and suppressions.is_suppressed(d.code, d.span.start_line, d.span.end_line)
        )
    ]


# -- fix verification ------------------------------------------------------------------
def _verified(
    diagnostic: Diagnostic,
    document: Document,
    project: ProjectIndex,
    config: Config,
    before: Counter[str],
    verdicts: dict[Any, str | None],
) -> Diagnostic:
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return diagnostic
    key = (diagnostic.code, fix)
    if key not in verdicts:
        verdicts[key] = verify_fix(diagnostic, document, project, config, before=before)
    problem = verdicts[key]
    if problem is None:
        return diagnostic
    log.info(
        "dropped fix for %s at %s:%d: %s",
        diagnostic.code,
        document.path,
        diagnostic.span.start_line + 1,
        problem,
    )
    return diagnostic.replace(fix=None)


def verify_fix(
    diagnostic: Diagnostic,
    document: Document,
    project: ProjectIndex,
    config: Config,
    *,
    before: Counter[str] | None = None,
    keep_trees: bool = True,
) -> str | None:
    """None when the fix is sound, else the reason it is not.

    `before` is the count of findings per code in `document` (computed when not given).
    Without `keep_trees`, the trees of the fixed texts are not kept for other readers
    (the server: a fix is rarely applied as it stands, and each tree is ~1 MB per
    1,000 lines that its collector would walk again and again).
    """
    assert diagnostic.fix is not None
    own = normalize(document.path)
    texts: dict[str, str] = {own: document.text}
    for path in group_by_path(diagnostic.fix.edits, own):
        if path not in texts:
            text = project.read(path)
            if text is None:
                return f"cannot read {path}"
            texts[normalize(path)] = text
    try:
        changed = apply_to_files(texts, list(diagnostic.fix.edits), own)
    except OverlappingEditsError as error:
        return str(error)
    try:
        after = _fixed_counts(own, changed, texts, document, project, config)
    finally:
        if not keep_trees:
            forget_shared(changed.values())
    if isinstance(after, str):
        return after
    if before is None:
        before = Counter(
            d.code
            for d in check_document(
                document, project, config=config, verify_fixes=False
            )
        )
    if after[diagnostic.code] >= before[diagnostic.code]:
        return "the finding is still reported after the fix"
    # A fix may uncover findings it did not cause (adding SecurityMiddleware turns on the
    # checks of the settings it reads); the rule names those codes in `extra["reveals"]`.
    revealed = set(diagnostic.extra.get("reveals", ()))
    added = [
        code for code in after if after[code] > before[code] and code not in revealed
    ]
    if added:
        return f"the fix adds {', '.join(sorted(added))}"
    return None


def _fixed_counts(
    own: str,
    changed: dict[str, str],
    texts: dict[str, str],
    document: Document,
    project: ProjectIndex,
    config: Config,
) -> Counter[str] | str:
    """The findings per code once fixed, or why the fixed texts cannot be checked."""
    trees: dict[str, Any] = {}
    for path, new_text in changed.items():
        if not path.endswith(".py"):
            continue
        trees[path] = parse_shared(new_text)  # the re-check below reads it too
        old_errors = (
            document.error_nodes
            if path == own
            else error_nodes(parse_shared(texts[path]))
        )
        if error_nodes(trees[path]) > old_errors:
            return f"the fix breaks the syntax of {path}"
    return Counter(
        d.code
        for d in _recheck(own, changed, document, project, config, trees.get(own))
    )


def _recheck(
    own: str,
    changed: dict[str, str],
    document: Document,
    project: ProjectIndex,
    config: Config,
    tree: Any = None,
) -> list[Diagnostic]:
    fixed_document = Document(
        path=document.path,
        text=changed.get(own, document.text),
        language=document.language,
        _tree=tree if own in changed else document.tree,
    )
    if set(changed) <= {own} and not _own_file_feeds_facts(
        project, own, changed.get(own)
    ):
        return check_document(
            fixed_document, project, config=config, verify_fixes=False
        )
    scratch = project.fork(changed)
    return check_document(fixed_document, scratch, config=config, verify_fixes=False)


def _own_file_feeds_facts(project: ProjectIndex, path: str, text: str | None) -> bool:
    """Editing a settings or models file changes project facts: re-check in a fork."""
    return bool(project.roles(path, text) & (FileRole.SETTINGS | FileRole.MODELS))
