"""Settings modules, read statically.

For every settings module djvet knows its dotted name, its environment (production,
development, test, or base when other modules build on it) and what each setting holds
*when the environment sets nothing*: literals, arithmetic, names of other settings, and
the defaults of `os.environ.get("X", default)`, `os.getenv`, django-environ's
`env.bool("X", default=...)` (and its `environ.Env(X=(bool, False))` scheme),
python-decouple's `config("X", default=..., cast=...)`, and small `envbool("X", "True")`
helpers defined in the settings module. A required variable (`os.environ["X"]`) is
external: its value is unknown.

A module is interpreted top to bottom, the way Python runs it: `from .base import *`
copies base's settings at that point, `+=` / `append` / `insert` / `extend` / `remove`
change lists, and an `if` whose test djvet can decide without the environment runs
one branch. Anything else under `if`/`try`/`for` is *conditional*: djvet does not know
whether it ran, so rules report nothing about its value. A conditional change to a list
is tracked item by item (`if DEBUG: INSTALLED_APPS += ["debug_toolbar"]` leaves every
other app known to be installed).

The project is never imported: a settings module that would raise, connect to a
database or write files on import is analysed all the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from djvet.core.document import parse_python
from djvet.core.model import Span
from djvet.core.parso_utils import (
    NOT_A_LITERAL,
    assignment_pairs,
    augmented_assignment,
    call_arguments,
    call_parts,
    code_of,
    literal_value,
)
from djvet.core.roles import FileRole, roles_for
from djvet.project.index import ProjectIndex, register_fact

UNKNOWN = NOT_A_LITERAL  # a value djvet cannot know statically
PRODUCTION, DEVELOPMENT, TEST, BASE = "production", "development", "test", "base"

_ENV_WORDS = {
    PRODUCTION: {"prod", "production", "live", "deploy", "deployment", "staging", "release", "heroku"},
    DEVELOPMENT: {"dev", "development", "local", "debug", "devel", "example", "sample", "demo",
                  "sandbox"},
    TEST: {"test", "tests", "testing", "ci", "pytest", "unittest", "smoketest", "smoke"},
}
# A module with one of these names is a base others build on, not deployed by itself.
_BASE_WORDS = {"base", "common", "defaults", "default", "shared", "core", "global", "components"}
_SETTINGS_MODULE_ENV = re.compile(
    r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']|DJANGO_SETTINGS_MODULE\s*=\s*["']?([\w.]+)"""
)
# Settings defined in ways a reader of top-level statements cannot follow.
_DYNAMIC = re.compile(r"\bglobals\(\)|\bvars\(\)|\bexec\(|\bsplit_settings\b|\bsetattr\(sys\.modules")
# Every Django settings module names its apps or its middleware; a module without
# either is a fragment (NetBox's `configuration.py`, a settings mixin) read by another.
_CORE_SETTINGS = ("INSTALLED_APPS", "MIDDLEWARE")


@dataclass
class Setting:
    """The value a setting ends up with, and the statement that gave it."""

    name: str
    value: Any  # a Python value, or UNKNOWN
    path: str
    name_node: Any
    value_node: Any
    from_env: bool = False  # the value is (derived from) an environment default
    env_var: str | None = None
    conditional: bool = False  # assigned under `if`/`try`: maybe not taken
    # Lists changed under a condition: items that may have been added or removed, and
    # whether something unknown may have been added.
    maybe_added: list[Any] = field(default_factory=list)
    maybe_removed: list[Any] = field(default_factory=list)
    open_ended: bool = False

    @property
    def known(self) -> bool:
        """The value is certain: no condition, no unknown part."""
        return (self.value is not UNKNOWN and not self.conditional and not self.open_ended
                and not self.maybe_added and not self.maybe_removed)

    def contains(self, item: Any) -> bool | None:
        """Whether a list/tuple setting holds `item`: True, False, or None (cannot tell)."""
        if self.conditional or not isinstance(self.value, (list, tuple)):
            return None
        if item in self.value:
            return None if item in self.maybe_removed else True
        if item in self.maybe_added or self.open_ended:
            return None
        return False

    @property
    def span(self) -> Span:
        return Span.of(self.value_node)

    @property
    def statement_span(self) -> Span:
        return Span.between(self.name_node, self.value_node)

    def copy(self, **changes: Any) -> Setting:
        value = self.value
        if isinstance(value, list):
            value = list(value)
        return replace(self, value=value, maybe_added=list(self.maybe_added),
                       maybe_removed=list(self.maybe_removed), **changes)


@dataclass
class SettingsModule:
    path: str
    dotted: str
    environment: str
    star_imports: list[str] = field(default_factory=list)  # every `from X import ...` target
    tree: Any = None
    dynamic: bool = False  # globals()/exec/django-split-settings: names we cannot see


@dataclass
class EffectiveSettings:
    """What a settings module (e.g. production.py) holds after its imports."""

    module: SettingsModule
    values: dict[str, Setting]
    chain: list[str]  # paths of every module that contributes, leaf last
    # An unconditional import of a module djvet cannot read, or dynamic definitions:
    # a setting that looks missing may be defined there.
    incomplete: bool = False
    inherits_view: bool = False  # builds on another production view (which reports gaps)

    def get(self, name: str) -> Setting | None:
        return self.values.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        setting = self.values.get(name)
        return default if setting is None else setting.value

    def is_set(self, name: str) -> bool:
        return name in self.values

    def contains(self, name: str, item: Any, default: tuple[Any, ...] = ()) -> bool | None:
        """Whether list setting `name` holds `item`; a missing setting has Django's
        default (`default`). None when djvet cannot tell."""
        setting = self.values.get(name)
        if setting is None:
            return item in default
        return setting.contains(item)

    @property
    def complete(self) -> bool:
        """Whether "this setting is missing" can be trusted for this module."""
        if self.incomplete:
            return False
        return any(name in self.values for name in _CORE_SETTINGS)

    def silenced(self, *check_ids: str) -> bool:
        silenced = self.value("SILENCED_SYSTEM_CHECKS", [])
        return isinstance(silenced, (list, tuple)) and any(c in silenced for c in check_ids)

    def string_list(self, name: str) -> list[str] | None:
        value = self.value(name)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        return None


# -- evaluation of expressions ---------------------------------------------------------
@dataclass
class _Trace:
    """What an evaluation touched: whether it read the environment, and which variable."""

    used: bool = False
    var: str | None = None

    def read(self, var: Any) -> None:
        self.used = True
        if isinstance(var, str) and self.var is None:
            self.var = var


_ENV_GETTERS = {"os.environ.get", "os.getenv", "environ.get", "getenv", "os.environ.setdefault"}
_ENV_READER = re.compile(r"^(env|environ|environ\.Env\(\)|config|decouple\.config)(\.([a-z_]\w*))?$")
# django-environ methods whose second positional argument is a cast, not the default.
_CAST_FIRST = {"list", "tuple", "dict", ""}
_CASTS = {"bool", "int", "str", "float", "list", "tuple", "json", "Csv", "strtobool", "dict"}
_MAX_SIZE = 10_000


@dataclass
class _Scope:
    """Names visible to an expression: settings and module variables, env schemes, helpers."""

    names: dict[str, Setting] = field(default_factory=dict)
    scheme: dict[str, tuple[str, Any]] = field(default_factory=dict)  # var -> (cast, default)
    helpers: dict[str, str] = field(default_factory=dict)  # envbool -> "bool"


def evaluate(node: Any, env: _Trace | None = None, scope: _Scope | None = None) -> Any:
    """The value of an expression when no environment variable is set, or UNKNOWN."""
    trace = env if env is not None else _Trace()
    value = literal_value(node)
    if value is not NOT_A_LITERAL:
        return value
    try:
        return _Evaluator(scope or _Scope(), trace).value(node)
    except RecursionError:
        return UNKNOWN


class _Evaluator:
    def __init__(self, scope: _Scope, trace: _Trace) -> None:
        self.scope, self.trace = scope, trace

    def value(self, node: Any) -> Any:
        value = literal_value(node)
        if value is not NOT_A_LITERAL:
            return value
        handler = getattr(self, f"on_{node.type}", None)
        return UNKNOWN if handler is None else handler(node)

    def on_name(self, node: Any) -> Any:
        setting = self.scope.names.get(node.value)
        if setting is None or not setting.known:
            return UNKNOWN
        if setting.from_env:
            self.trace.read(setting.env_var)
        return setting.value

    def on_atom(self, node: Any) -> Any:
        opening = node.children[0]
        if opening == "(" and len(node.children) == 3 and node.children[1].type != "testlist_comp":
            return self.value(node.children[1])
        if opening in ("[", "("):
            return self._sequence(node, list if opening == "[" else tuple)
        if opening == "{" and len(node.children) == 3 and node.children[1].type == "dictorsetmaker":
            return self._dict(node.children[1])
        return UNKNOWN

    def _sequence(self, node: Any, kind: type) -> Any:
        if len(node.children) == 2:
            return kind()
        inner = node.children[1]
        items = inner.children if inner.type == "testlist_comp" else [inner]
        if any(c.type in ("comp_for", "sync_comp_for") for c in items):
            return self._comprehension(items, kind)
        result: list[Any] = []
        for item in items:
            if item == ",":
                continue
            if item.type == "star_expr":
                inner_value = self.value(item.children[1])
                if not isinstance(inner_value, (list, tuple)):
                    return UNKNOWN
                result.extend(inner_value)
                continue
            value = self.value(item)
            if value is UNKNOWN:
                return UNKNOWN
            result.append(value)
        return kind(result)

    def _comprehension(self, items: list[Any], kind: type) -> Any:
        """`[h.strip() for h in os.environ.get("HOSTS", "*").split(",") if h]`: one `for`
        over a known iterable, an optional `if`."""
        if len(items) != 2 or items[1].type != "sync_comp_for":
            return UNKNOWN
        element, loop = items
        parts = loop.children  # for, target, in, iterable, [comp_if]
        if parts[1].type != "name" or len(parts) > 5 or (len(parts) == 5 and parts[4].type != "comp_if"):
            return UNKNOWN
        iterable = self.value(parts[3])
        if not isinstance(iterable, (list, tuple, str)) or len(iterable) > _MAX_SIZE:
            return UNKNOWN
        names, result = self.scope.names, []
        saved = names.get(parts[1].value)
        try:
            for item in iterable:
                names[parts[1].value] = Setting(parts[1].value, item, "", parts[1], parts[1])
                if len(parts) == 5 and not self.value(parts[4].children[1]):
                    continue
                result.append(self.value(element))
        finally:
            if saved is None:
                names.pop(parts[1].value, None)
            else:
                names[parts[1].value] = saved
        return UNKNOWN if UNKNOWN in result else kind(result)

    def _dict(self, node: Any) -> Any:
        children = node.children
        if any(c.type in ("comp_for", "sync_comp_for") for c in children) or len(children) < 3:
            return UNKNOWN
        if children[1] != ":":
            return UNKNOWN  # a set display
        result: dict[Any, Any] = {}
        for index in range(0, len(children), 4):  # key ':' value ','
            if children[index] == "**" or index + 2 >= len(children):
                return UNKNOWN
            key, value = self.value(children[index]), self.value(children[index + 2])
            if key is UNKNOWN or value is UNKNOWN:
                return UNKNOWN
            result[key] = value
        return result

    def on_arith_expr(self, node: Any) -> Any:
        return self._binary(node)

    def on_term(self, node: Any) -> Any:
        return self._binary(node)

    def _binary(self, node: Any) -> Any:
        result = self.value(node.children[0])
        for op, operand in zip(node.children[1::2], node.children[2::2], strict=True):
            right = self.value(operand)
            if result is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            try:
                result = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                          "//": lambda a, b: a // b}[op.value](result, right)
            except (KeyError, TypeError, ZeroDivisionError, MemoryError, OverflowError):
                return UNKNOWN
            if isinstance(result, (str, list, tuple)) and len(result) > _MAX_SIZE:
                return UNKNOWN
        return result

    def on_factor(self, node: Any) -> Any:
        operand = self.value(node.children[1])
        if isinstance(operand, bool) or not isinstance(operand, (int, float)):
            return UNKNOWN
        return {"-": -operand, "+": operand}.get(node.children[0].value, UNKNOWN)

    def on_comparison(self, node: Any) -> Any:
        if len(node.children) != 3:
            return UNKNOWN
        left, right = self.value(node.children[0]), self.value(node.children[2])
        return _compare(left, code_of(node.children[1]), right)

    def on_not_test(self, node: Any) -> Any:
        inner = self.value(node.children[1])
        return UNKNOWN if inner is UNKNOWN else not inner

    def on_or_test(self, node: Any) -> Any:
        return self._boolean(node, is_or=True)

    def on_and_test(self, node: Any) -> Any:
        return self._boolean(node, is_or=False)

    def _boolean(self, node: Any, *, is_or: bool) -> Any:
        result = UNKNOWN
        for index, operand in enumerate(node.children[::2]):
            value = self.value(operand)
            if value is UNKNOWN:
                return UNKNOWN
            result = value if index == 0 else ((result or value) if is_or else (result and value))
        return result

    def on_test(self, node: Any) -> Any:
        """`a if condition else b`."""
        if len(node.children) != 5:
            return UNKNOWN
        condition = self.value(node.children[2])
        if condition is UNKNOWN:
            return UNKNOWN
        return self.value(node.children[0] if condition else node.children[4])

    def on_atom_expr(self, node: Any) -> Any:
        return _CallChain(self, node).value()

    on_power = on_atom_expr


def _compare(left: Any, op: str, right: Any) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    try:
        return {
            "==": lambda: left == right, "!=": lambda: left != right,
            "in": lambda: left in right, "not in": lambda: left not in right,
            "is": lambda: left is right, "is not": lambda: left is not right,
            "<": lambda: left < right, "<=": lambda: left <= right,
            ">": lambda: left > right, ">=": lambda: left >= right,
        }[" ".join(op.split())]()
    except (KeyError, TypeError):
        return UNKNOWN


class _CallChain:
    """`os.environ.get("X", "d").lower() == ...`, `env.bool("X", default=True)`, `int(...)`."""

    def __init__(self, evaluator: _Evaluator, node: Any) -> None:
        self.evaluator, self.node = evaluator, node

    def value(self) -> Any:
        value = self._call_value()
        if value is UNKNOWN and self.node.children[0].type in ("name", "atom", "string"):
            # `host.strip()`, `"a,b".split(",")`: string methods on a known value.
            base = self.evaluator.value(self.node.children[0])
            if isinstance(base, str):
                return _apply_methods(base, self.node.children[1:])
        return value

    def _call_value(self) -> Any:
        children = self.node.children
        for index, trailer in enumerate(children):
            if trailer.type != "trailer" or trailer.children[0] == ".":
                continue
            callee = "".join(code_of(p) for p in children[:index])
            if trailer.children[0] == "[":
                return self._subscript(callee, trailer, children[index + 1:])
            args = trailer.children[1] if len(trailer.children) == 3 else None
            value = self._call(callee, args)
            return _apply_methods(value, children[index + 1:])
        return UNKNOWN

    def _subscript(self, callee: str, trailer: Any, rest: list[Any]) -> Any:
        if callee in ("os.environ", "environ", "env"):
            self.evaluator.trace.read(literal_value(trailer.children[1]))
            return UNKNOWN  # a required variable: set by the deployment
        return UNKNOWN

    def _call(self, callee: str, args: Any) -> Any:
        positional, keywords = call_arguments(args)
        trace, scope = self.evaluator.trace, self.evaluator.scope
        if callee in _ENV_GETTERS:
            if positional:
                trace.read(literal_value(positional[0]))
            else:
                trace.read(None)
            if len(positional) >= 2:
                return self.evaluator.value(positional[1])
            if "default" in keywords:
                return self.evaluator.value(keywords["default"])
            return None if callee != "os.environ.setdefault" else UNKNOWN
        if callee in scope.helpers:
            return self._helper(scope.helpers[callee], positional, keywords)
        match = _ENV_READER.match(callee)
        if match:
            return self._env_reader(match.group(1), match.group(3) or "", positional, keywords)
        if callee in _CASTS and len(positional) == 1 and not keywords:
            return _cast(self.evaluator.value(positional[0]), callee)
        if callee == "json.loads" and len(positional) == 1:
            return _cast(self.evaluator.value(positional[0]), "json")
        return UNKNOWN

    def _helper(self, cast: str, positional: list[Any], keywords: dict[str, Any]) -> Any:
        if positional:
            self.evaluator.trace.read(literal_value(positional[0]))
        default = positional[1] if len(positional) >= 2 else keywords.get("default")
        if default is None:
            return UNKNOWN
        return _cast(self.evaluator.value(default), cast)

    def _env_reader(self, reader: str, method: str, positional: list[Any],
                    keywords: dict[str, Any]) -> Any:
        trace = self.evaluator.trace
        var = literal_value(positional[0]) if positional else UNKNOWN
        trace.read(var)
        decouple = reader in ("config", "decouple.config")
        if decouple and method:
            return UNKNOWN  # `config.something(...)`: not python-decouple's reader
        cast_node = keywords.get("cast")
        default_node = keywords.get("default")
        if decouple:
            default_node = default_node or (positional[1] if len(positional) >= 2 else None)
        elif method in _CAST_FIRST and len(positional) >= 2 and _is_cast(positional[1]):
            # django-environ: `env.list("X", str, ["a"])`; environs: `env.list("X", ["a"])`.
            cast_node = cast_node or positional[1]
            default_node = default_node or (positional[2] if len(positional) >= 3 else None)
        else:
            default_node = default_node or (positional[1] if len(positional) >= 2 else None)
        # `env.list("X", int, ...)` casts the items; the container is the method's.
        if method in ("list", "tuple", "dict") or cast_node is None:
            cast = method  # "" for `env(...)` / `config(...)` without a cast: as it is
        else:
            cast = code_of(cast_node).split("(")[0]
        if default_node is not None:
            return _cast(self.evaluator.value(default_node), cast)
        scheme = self.evaluator.scope.scheme.get(var) if isinstance(var, str) else None
        if scheme is not None and not decouple:
            return _cast(scheme[1], method or scheme[0])
        return UNKNOWN  # no default: the deployment must set it


def _is_cast(node: Any) -> bool:
    """A cast is a name or a call (`str`, `Csv()`); a default is a value (`["*"]`, `"x"`)."""
    return literal_value(node) is NOT_A_LITERAL and node.type in ("name", "atom_expr", "power")


def _cast(value: Any, cast: str) -> Any:  # noqa: C901 - one branch per cast
    if value is UNKNOWN:
        return UNKNOWN
    try:
        if cast in ("bool", "strtobool"):
            if isinstance(value, str):
                return value.strip().lower() in ("true", "on", "ok", "y", "yes", "1", "t")
            return bool(value)
        if cast == "int":
            return int(value)
        if cast == "float":
            return float(value)
        if cast in ("list", "tuple", "Csv"):
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return list(value)
        if cast == "str":
            return value if value is None else str(value)
        if cast == "json" and isinstance(value, str):
            import json

            return json.loads(value)
    except (TypeError, ValueError):
        return UNKNOWN
    return value  # env.json of a non-string, casts djvet does not know


def _apply_methods(value: Any, trailers: list[Any]) -> Any:
    """Apply `.lower()`, `.split(",")`, `.strip()` and the like to a known string."""
    index = 0
    while index < len(trailers):
        if value is UNKNOWN:
            return UNKNOWN
        trailer = trailers[index]
        is_call = index + 1 < len(trailers) and trailers[index + 1].children[0] == "("
        if trailer.children[0] != "." or not is_call:
            return UNKNOWN
        method = trailer.children[1].value
        call = trailers[index + 1]
        args = [literal_value(a) for a in call_arguments(call.children[1] if len(call.children) == 3 else None)[0]]
        if any(a is NOT_A_LITERAL for a in args) or not isinstance(value, str) or method not in (
            "lower", "upper", "strip", "split", "casefold", "title", "rstrip", "lstrip", "removesuffix",
        ):
            return UNKNOWN
        value = getattr(value, method)(*args)
        index += 2
    return value


# -- reading a module ------------------------------------------------------------------
def dotted_name(path: str) -> str:
    """Module name from the package structure: walk up while `__init__.py` exists."""
    file = Path(path)
    parts = [file.stem]
    folder = file.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _resolve_from(module_dotted: str, from_node: Any, is_package: bool) -> str | None:
    """The dotted name a `from X import ...` refers to."""
    names = from_node.get_from_names()
    level = from_node.level
    target = ".".join(n.value for n in names)
    if level == 0:
        return target
    package = module_dotted.split(".")
    package = package if is_package else package[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)]
    return ".".join([*package, target] if target else package)


def _block_statements(block: Any) -> list[Any]:
    """The statements of a suite, or of the single simple statement after a colon."""
    if block.type == "suite":
        return [c for c in block.children if c.type not in ("newline", "indent", "dedent")]
    return [block]


def _from_imports(tree: Any) -> Iterator[Any]:
    """Every module-level `from X import ...`, also under `if`/`try`/`with`."""
    for child in tree.children:
        if child.type == "simple_stmt":
            yield from (s for s in child.children if s.type == "import_from")
        elif child.type in ("if_stmt", "try_stmt", "with_stmt"):
            for block in child.children:
                if block.type in ("suite", "simple_stmt"):
                    yield from _from_imports(block)


# -- the project-wide index ------------------------------------------------------------
@dataclass
class _Result:
    """A module after running it: its names, the modules it read, and what it hides."""

    names: dict[str, Setting]
    chain: list[str]
    incomplete: bool
    scope: _Scope


@dataclass
class SettingsIndex:
    modules: dict[str, SettingsModule]  # by path
    by_dotted: dict[str, str]
    children: dict[str, set[str]]  # path -> paths of modules importing from it
    _results: dict[str, _Result] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)
    _views: list[SettingsModule] | None = None

    def leaves(self) -> list[SettingsModule]:
        return [m for p, m in self.modules.items() if not self.children.get(p)]

    def production_leaves(self) -> list[SettingsModule]:
        return self.production_views()

    def production_views(self) -> list[SettingsModule]:
        """The modules production runs: production-named or deployed modules, leaves
        nobody builds on, and a `settings.py` that only development or test modules
        build on (the "settings.py + settings_dev.py" layout)."""
        if self._views is None:
            self._views = [m for m in self.modules.values() if self._is_view(m)]
        return self._views

    def _is_view(self, module: SettingsModule) -> bool:
        if module.environment == PRODUCTION:
            return True
        if module.environment != BASE:
            return False
        descendants = self._descendants(module.path)
        if not descendants:
            return True
        if _words(module.path) & _BASE_WORDS:
            return False
        return all(self.modules[d].environment in (DEVELOPMENT, TEST) for d in descendants)

    def _descendants(self, path: str) -> set[str]:
        found: set[str] = set()
        stack = list(self.children.get(path, ()))
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, ()))
        return found

    def chain(self, path: str) -> list[str]:
        """Paths contributing to a module: what it imports from (recursively), then itself."""
        return self.result(path).chain

    def result(self, path: str) -> _Result:
        if path not in self._results:
            self._running.add(path)
            try:
                self._results[path] = _Interpreter(self, self.modules[path]).run()
            finally:
                self._running.discard(path)
        return self._results[path]

    def importable(self, dotted: str) -> str | None:
        """The path of a settings module by dotted name, unless it is being run (a cycle)."""
        path = self.by_dotted.get(dotted)
        if path is None or path in self._running:
            return None
        return path


# Parsed settings modules (and the files found not to be settings), by path and text:
# the index is rebuilt whenever a settings file changes — on every edit in an editor,
# and in the scratch project of every fix verification — and most files did not change.
_PARSED: dict[tuple[str, int], Any] = {}
_PARSED_LIMIT = 50_000


def _settings_tree(project: ProjectIndex, path: str) -> tuple[str, Any] | None:
    """(text, parso tree) of a settings module; None for any other file."""
    text = project.read(path)
    if text is None:
        return None
    key = (path, hash(text))
    tree = _PARSED.get(key)
    if tree is None:
        relative = os.path.relpath(path, project.root).replace(os.sep, "/")
        tree = parse_python(text) if roles_for(relative, text) & FileRole.SETTINGS else False
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = tree
    return None if tree is False else (text, tree)


def build_settings_index(project: ProjectIndex) -> SettingsIndex:
    modules: dict[str, SettingsModule] = {}
    for path in project.python_files():
        found = _settings_tree(project, path)
        if found is None:
            continue
        text, tree = found
        dotted = dotted_name(path)
        module = SettingsModule(path=path, dotted=dotted, environment=BASE, tree=tree,
                                dynamic=bool(_DYNAMIC.search(text)))
        is_package = path.endswith("__init__.py")
        for stmt in _from_imports(tree):
            target = _resolve_from(dotted, stmt, is_package)
            if target:
                module.star_imports.append(target)
        modules[path] = module
    by_dotted = {m.dotted: p for p, m in modules.items()}
    # An import may name a module by a shorter or longer dotted path than ours
    # (src layouts, settings packages without __init__): match on the longest suffix.
    for module in modules.values():
        module.star_imports = [_match_dotted(d, by_dotted) or d for d in module.star_imports]
    children: dict[str, set[str]] = {}
    for path, module in modules.items():
        for dotted in module.star_imports:
            if dotted in by_dotted and by_dotted[dotted] != path:
                children.setdefault(by_dotted[dotted], set()).add(path)
    index = SettingsIndex(modules, by_dotted, children)
    _classify(index, project)
    return index


def _match_dotted(dotted: str, by_dotted: dict[str, str]) -> str | None:
    if dotted in by_dotted:
        return dotted
    candidates = [d for d in by_dotted if d.endswith("." + dotted) or dotted.endswith("." + d)]
    return candidates[0] if len(candidates) == 1 else None


# -- environments ----------------------------------------------------------------------
def _classify(index: SettingsIndex, project: ProjectIndex) -> None:
    configured = project.config.settings_modules
    deployed = _deployed_settings(project)
    for module in index.modules.values():
        module.environment = environment_of(module, project.config.relative(module.path),
                                            configured, deployed)


def _words(path: str) -> set[str]:
    """Words of a module's name (`settings_prod` -> settings, prod); a package's
    `__init__.py` is named by its folder."""
    file = Path(path)
    stem = file.parent.name if file.stem == "__init__" else file.stem
    return set(re.split(r"[_.\-]", stem.lower()))


def environment_of(module: SettingsModule, relative: str, configured: Any, deployed: set[str]) -> str:
    """production, development, test or base: by configuration (`settings-modules`),
    by name (`production.py`, `settings_dev.py`, `tests/settings.py`), by being what
    wsgi.py / asgi.py deploy, else base."""
    for environment, names in configured.items():
        if any(module.dotted == n or module.dotted.endswith("." + n) or relative == n for n in names):
            return environment
    words = _words(module.path)
    folders = [part.lower() for part in Path(relative).parts[:-1]]
    folder_words = set().union(*(re.split(r"[_.\-]", f) for f in folders)) if folders else set()
    for environment in (TEST, DEVELOPMENT, PRODUCTION):
        if words & _ENV_WORDS[environment]:
            return environment
    # A settings module inside a test or example project (`tests/settings.py`).
    if folder_words & _ENV_WORDS[TEST] or any(f.startswith("test") for f in folders):
        return TEST
    if folder_words & _ENV_WORDS[DEVELOPMENT]:
        return DEVELOPMENT
    if any(module.dotted == d or module.dotted.endswith("." + d) or d.endswith("." + module.dotted)
           for d in deployed):
        return PRODUCTION
    return BASE


def _deployed_settings(project: ProjectIndex) -> set[str]:
    """Settings modules named by wsgi.py / asgi.py (what the servers run in production)."""
    names = set()
    for path in project.python_files():
        if os.path.basename(path) in ("wsgi.py", "asgi.py"):
            for match in _SETTINGS_MODULE_ENV.finditer(project.read(path) or ""):
                names.add(match.group(1) or match.group(2))
    return names


# -- running a module ------------------------------------------------------------------
class _Interpreter:
    """Runs one settings module's top-level statements over a namespace of `Setting`s."""

    def __init__(self, index: SettingsIndex, module: SettingsModule) -> None:
        self.index, self.module = index, module
        self.scope = _Scope()
        self.names = self.scope.names
        self.chain: list[str] = []
        self.incomplete = module.dynamic

    def run(self) -> _Result:
        self._block(_block_statements_of_module(self.module.tree), conditional=False)
        self.chain.append(self.module.path)
        return _Result(self.names, self.chain, self.incomplete, self.scope)

    def _block(self, statements: list[Any], conditional: bool) -> None:
        for stmt in statements:
            kind = stmt.type
            if kind == "simple_stmt":
                for small in stmt.children:
                    if small.type != "newline" and small != ";":
                        self._small(small, conditional)
            elif kind == "if_stmt":
                self._if(stmt, conditional)
            elif kind in ("try_stmt", "for_stmt", "while_stmt", "with_stmt"):
                for index, block in enumerate(stmt.children):
                    if block.type in ("suite", "simple_stmt"):
                        # `with` and `finally` bodies always run; the rest may not.
                        keyword = stmt.children[index - 2] if index >= 2 else None
                        certain = kind == "with_stmt" or keyword == "finally"
                        self._block(_block_statements(block), conditional or not certain)
            elif kind in ("funcdef", "decorated"):
                self._helper(stmt.children[-1] if kind == "decorated" else stmt)
            elif kind != "classdef":
                self._small(stmt, conditional)

    def _if(self, stmt: Any, conditional: bool) -> None:
        children = stmt.children
        uncertain = False
        index = 0
        while index < len(children):
            keyword = children[index]
            if keyword in ("if", "elif"):
                test, block = children[index + 1], children[index + 3]
                index += 4
            else:  # else
                test, block = None, children[index + 2]
                index += 3
            taken = True if test is None else self._decide(test)
            if taken is False and not uncertain:
                continue
            self._block(_block_statements(block), conditional or uncertain or taken is None)
            if taken is True and not uncertain:
                return
            uncertain = True

    def _decide(self, test: Any) -> bool | None:
        """An `if` test's truth when it does not depend on the environment, else None."""
        trace = _Trace()
        value = evaluate(test, trace, self.scope)
        if value is UNKNOWN or trace.used or test.type == "namedexpr_test":
            return None
        return bool(value)

    def _small(self, stmt: Any, conditional: bool) -> None:
        if stmt.type == "import_from":
            self._import_from(stmt, conditional)
            return
        pairs = list(assignment_pairs(stmt))
        for name_leaf, value_node in pairs:
            self._assign(name_leaf, value_node, conditional)
        if pairs:
            self._scheme(pairs[-1][1])
            return
        if augmented := augmented_assignment(stmt):
            self._augment(augmented, conditional)
        elif mutation := _mutation(stmt):
            self._mutate(*mutation, conditional)

    # -- assignments ----------------------------------------------------------------
    def _assign(self, name_leaf: Any, value_node: Any, conditional: bool) -> None:
        trace = _Trace()
        value = evaluate(value_node, trace, self.scope)
        setting = Setting(name=name_leaf.value, value=value, path=self.module.path,
                          name_node=name_leaf, value_node=value_node, from_env=trace.used,
                          env_var=trace.var)
        previous = self.names.get(name_leaf.value)
        if conditional:
            setting = _merge_conditional(previous, setting)
        self.names[name_leaf.value] = setting

    def _augment(self, augmented: tuple[Any, str, Any], conditional: bool) -> None:
        target, op, value_node = augmented
        setting = self.names.get(target.value)
        if setting is None:
            return
        extra = evaluate(value_node, scope=self.scope)
        if op != "+=" or setting.value is UNKNOWN:
            self.names[target.value] = setting.copy(value=UNKNOWN)
            return
        self._add(target.value, extra, conditional)

    def _add(self, name: str, items: Any, conditional: bool) -> None:
        """`+=` / `extend` / `append` of `items` (a list, or UNKNOWN)."""
        setting = self.names[name].copy()
        self.names[name] = setting
        if items is UNKNOWN or not isinstance(setting.value, (list, tuple)):
            if isinstance(setting.value, (list, tuple)):
                setting.open_ended = True
            else:
                setting.value = UNKNOWN
            return
        if conditional:
            setting.maybe_added.extend(items)
            return
        try:
            setting.value = setting.value + type(setting.value)(items)
        except TypeError:
            setting.value = UNKNOWN

    def _mutate(self, name: str, method: str, args: list[Any], conditional: bool) -> None:
        setting = self.names.get(name)
        if setting is None:
            return
        values = [evaluate(a, scope=self.scope) for a in args]
        if method == "append" and values:
            self._add(name, [values[0]] if values[0] is not UNKNOWN else UNKNOWN, conditional)
        elif method == "extend" and values:
            self._add(name, values[0] if isinstance(values[0], (list, tuple)) else UNKNOWN, conditional)
        elif method == "insert" and len(values) == 2:
            self._insert(name, values[0], values[1], conditional)
        elif method == "remove" and values:
            self._remove(name, values[0], conditional)

    def _insert(self, name: str, position: Any, item: Any, conditional: bool) -> None:
        setting = self.names[name]
        if conditional or not isinstance(position, int) or item is UNKNOWN:
            self._add(name, [item] if item is not UNKNOWN else UNKNOWN, conditional)
            return
        setting = setting.copy()
        if isinstance(setting.value, (list, tuple)):
            items = list(setting.value)
            items.insert(position, item)
            setting.value = type(setting.value)(items)
        self.names[name] = setting

    def _remove(self, name: str, item: Any, conditional: bool) -> None:
        setting = self.names[name].copy()
        self.names[name] = setting
        if item is UNKNOWN or not isinstance(setting.value, (list, tuple)):
            setting.value = UNKNOWN
        elif conditional:
            setting.maybe_removed.append(item)
        elif item in setting.value:
            items = list(setting.value)
            items.remove(item)
            setting.value = type(setting.value)(items)

    # -- imports, env schemes, helpers ----------------------------------------------
    def _import_from(self, stmt: Any, conditional: bool) -> None:
        dotted = _resolve_from(self.module.dotted, stmt, self.module.path.endswith("__init__.py"))
        dotted = _match_dotted(dotted, self.index.by_dotted) if dotted else None
        path = self.index.importable(dotted) if dotted else None
        if path is None:
            if stmt.is_star_import() and not conditional and not _is_stdlib_or_django(stmt):
                self.incomplete = True
            return
        result = self.index.result(path)
        for contributor in result.chain:
            if contributor not in self.chain:
                self.chain.append(contributor)
        self.incomplete = self.incomplete or result.incomplete
        self.scope.scheme.update(result.scope.scheme)
        self.scope.helpers.update(result.scope.helpers)
        if stmt.is_star_import():
            imported = {n: s for n, s in result.names.items() if not n.startswith("_")}
        else:
            imported = {alias.value: result.names[name.value] for name, alias in _import_names(stmt)
                        if name.value in result.names}
        for name, setting in imported.items():
            copied = setting.copy()
            if conditional:
                copied = _merge_conditional(self.names.get(name), copied)
            self.names[name] = copied

    def _scheme(self, value_node: Any) -> None:
        """`env = environ.Env(DEBUG=(bool, False))`: defaults django-environ reads use."""
        parts = call_parts(value_node) if value_node.type in ("atom_expr", "power") else None
        if not parts or not parts[0].endswith("Env"):
            return
        for name, node in call_arguments(parts[1])[1].items():
            if node.type == "atom" and node.children[0] == "(" and node.children[1].type == "testlist_comp":
                items = [c for c in node.children[1].children if c != ","]
                if len(items) == 2:
                    self.scope.scheme[name] = (code_of(items[0]), evaluate(items[1], scope=self.scope))

    def _helper(self, funcdef: Any) -> None:
        """A settings-local reader like `def envbool(name, default)` built on os.getenv."""
        if funcdef.type != "funcdef":
            return
        name = funcdef.name.value
        body = code_of(funcdef)
        if "env" not in name.lower() or not re.search(r"getenv\(|environ", body):
            return
        lowered = name.lower()
        cast = next((c for c in ("bool", "int", "float", "list") if c in lowered), "str")
        self.scope.helpers[name] = cast


def _block_statements_of_module(tree: Any) -> list[Any]:
    return [c for c in tree.children if c.type != "endmarker"]


def _import_names(stmt: Any) -> Iterator[tuple[Any, Any]]:
    """(imported name, local name) leaves of `from X import a, b as c`."""
    for pair in stmt._as_name_tuples():  # parso's own pairing of names and aliases
        name, alias = pair
        if isinstance(name, list):
            continue
        yield name, alias or name


def _is_stdlib_or_django(stmt: Any) -> bool:
    first = stmt.get_from_names()[0].value if stmt.get_from_names() else ""
    return stmt.level == 0 and first in ("django", "os", "sys")


def _merge_conditional(previous: Setting | None, new: Setting) -> Setting:
    """A setting assigned under a condition: the old value may survive.

    Two known lists merge item by item (items in both stay certain); anything else is
    uncertain."""
    if previous is not None and previous.known and new.value is not UNKNOWN and new.value == previous.value:
        return previous  # both branches agree
    if (previous is not None and previous.known and new.value is not UNKNOWN
            and isinstance(previous.value, (list, tuple)) and isinstance(new.value, (list, tuple))):
        merged = previous.copy()
        merged.maybe_added = [v for v in new.value if v not in previous.value]
        merged.maybe_removed = [v for v in previous.value if v not in new.value]
        return merged
    return replace(new, conditional=True)


def _mutation(stmt: Any) -> tuple[str, str, list[Any]] | None:
    """`NAME.append(x)` / `insert(i, x)` / `extend(xs)` / `remove(x)` at module level."""
    parts = call_parts(stmt) if stmt.type in ("atom_expr", "power") else None
    if not parts or parts[0].count(".") != 1:
        return None
    name, method = parts[0].split(".")
    if method not in ("append", "insert", "extend", "remove"):
        return None
    return name, method, call_arguments(parts[1])[0]


# -- facts and views -------------------------------------------------------------------
register_fact("settings", FileRole.SETTINGS)


def settings_index(project: ProjectIndex) -> SettingsIndex:
    return project.fact("settings", build_settings_index)


def effective_settings(project: ProjectIndex, module: SettingsModule) -> EffectiveSettings:
    index = settings_index(project)
    result = index.result(module.path)
    views = {m.path for m in index.production_views()}
    inherits = any(p in views for p in result.chain if p != module.path)
    return EffectiveSettings(module=module, values=result.names, chain=result.chain,
                             incomplete=result.incomplete, inherits_view=inherits)


def production_settings_for(project: ProjectIndex, path: str) -> list[EffectiveSettings]:
    """The production views of the settings a file contributes to.

    For production.py itself, its own effective settings; for base.py, those of every
    production module that builds on it. Development and test modules get none.
    """
    index = settings_index(project)
    path = os.path.abspath(path)
    if path not in index.modules:
        return []
    return [effective_settings(project, view) for view in index.production_views()
            if path in index.chain(view.path)]
