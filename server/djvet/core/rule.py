"""Rules and their registry.

A rule module creates `RULE = Rule(...)` at import time (it registers itself) and
decorates its handlers: `@RULE.on("for_stmt")` for node types, `@RULE.on_module`
for whole documents. The module docstring is the rule's documentation.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from djvet.core.model import Diagnostic, Fix, Language, Related, Severity, Span
from djvet.core.roles import FileRole

if TYPE_CHECKING:
    from djvet.core.context import FileContext

log = logging.getLogger(__name__)

DOCS_URL = "https://djvet.dev/rules/{code}/"


class Family(Enum):
    ORM = (1, "orm", "ORM and database performance")
    SECURITY = (2, "security", "Security")
    STRUCTURE = (3, "structure", "Project structure")
    CACHING = (4, "caching", "Caching")
    STATIC = (5, "static", "Static and media files")
    TESTING = (6, "testing", "Testing")
    TASKS = (7, "tasks", "Async and background tasks")
    DEPLOY = (8, "deploy", "Configuration and deployment")
    TOOLING = (9, "tooling", "Tooling and migrations")

    @property
    def digit(self) -> int:
        return self.value[0]

    @property
    def slug(self) -> str:
        return self.value[1]

    @property
    def title(self) -> str:
        return self.value[2]


class FixAvailability(Enum):
    NEVER = "never"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


NodeHandler = Callable[["FileContext", Any], Iterable[Diagnostic] | None]
ModuleHandler = Callable[["FileContext"], Iterable[Diagnostic] | None]

RULES: dict[str, Rule] = {}
_NAMES: set[str] = set()
_CODE = re.compile(r"^DJV[1-9]\d\d$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(eq=False)
class Rule:
    code: str
    name: str
    family: Family
    message: str
    severity: Severity = Severity.WARNING
    fix: FixAvailability = FixAvailability.NEVER
    fix_title: str | None = None
    applies_to: FileRole = FileRole.PYTHON
    # Roles a file must not have (e.g. N+1 rules skip tests and migrations).
    excludes: FileRole = FileRole.NONE
    # The rule finds nothing in a file whose text holds none of these words: the engine
    # skips it there without walking a handler (a cheap filter for rules on common nodes).
    requires_text: tuple[str, ...] = ()
    languages: frozenset[Language] = frozenset({Language.PYTHON})
    docs: str | None = None
    # Django system checks this rule mirrors; SILENCED_SYSTEM_CHECKS honours them.
    django_checks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    default_enabled: bool = True
    module: str = ""
    node_handlers: dict[str, list[NodeHandler]] = field(default_factory=dict)
    module_handlers: list[ModuleHandler] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must look like DJV101")
        if not _NAME.match(self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")
        if self.code in RULES or self.name in _NAMES:
            raise ValueError(f"rule {self.code} {self.name} is registered twice")
        if int(self.code[3]) != self.family.digit:
            raise ValueError(
                f"{self.code}: first digit must be {self.family.digit} ({self.family.slug})"
            )
        RULES[self.code] = self
        _NAMES.add(self.name)

    # -- registration of handlers ---------------------------------------------------
    def on(self, *node_types: str) -> Callable[[NodeHandler], NodeHandler]:
        def register(handler: NodeHandler) -> NodeHandler:
            for node_type in node_types:
                self.node_handlers.setdefault(node_type, []).append(handler)
            return handler

        return register

    def on_module(self, handler: ModuleHandler) -> ModuleHandler:
        self.module_handlers.append(handler)
        return handler

    # -- building findings -----------------------------------------------------------
    @property
    def docs_url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def diagnostic(
        self,
        ctx: FileContext,
        where: Any,
        *,
        message: str | None = None,
        fix: Fix | None = None,
        related: Iterable[Related] = (),
        path: str | None = None,
        unnecessary: bool = False,
        **extra: Any,
    ) -> Diagnostic:
        """A finding of this rule at a parso node, leaf or `Span`."""
        span = where if isinstance(where, Span) else Span.of(where)
        return Diagnostic(
            code=self.code,
            name=self.name,
            message=message or self.message,
            path=path or ctx.path,
            span=span,
            severity=ctx.config.severity_for(self.code, self.severity),
            fix=fix,
            related=tuple(related),
            unnecessary=unnecessary,
            extra=extra,
        )

    def summary(self) -> str:
        """The first sentence of "What it does", for tables and hovers."""
        if not self.docs:
            return self.message
        match = re.search(r"## What it does\s*\n(.+?)(?:\n\n|\n##|$)", self.docs, re.S)
        return " ".join(match.group(1).split()) if match else self.message


_discovered = False


def discover() -> dict[str, Rule]:
    """Import every module under `djvet.rules` (and `djvet.rules` entry points) once."""
    global _discovered
    if _discovered:
        return RULES
    import djvet.rules as package

    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            rule.module = info.name
            if not rule.docs:
                rule.docs = module.__doc__
    _load_entry_points()
    _discovered = True
    return RULES


def _load_entry_points() -> None:
    from importlib.metadata import entry_points

    for entry in entry_points(group="djvet.rules"):
        try:
            entry.load()
        except Exception:  # a broken plugin must not take djvet down
            log.exception("could not load djvet rule plugin %s", entry.name)


def iter_rules() -> Iterator[Rule]:
    discover()
    yield from (RULES[code] for code in sorted(RULES))
