"""Settings modules, read statically.

For every settings module djvet knows its dotted name, its environment (production,
development, test, or base when other modules build on it), its star-import chain
(`from .base import *`), and for each setting the value it has *when the environment
sets nothing*: literals, and the defaults of `os.environ.get("X", default)`,
`os.getenv`, django-environ's `env.bool("X", default=...)`, python-decouple's
`config("X", default=...)`. A required variable (`os.environ["X"]`) is external.

The project is never imported: a settings module that would raise, connect to a
database or write files on import is analysed all the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact

UNKNOWN = NOT_A_LITERAL  # a value djvet cannot know statically
PRODUCTION, DEVELOPMENT, TEST, BASE = "production", "development", "test", "base"

_ENV_WORDS = {
    PRODUCTION: {"prod", "production", "live", "deploy", "deployment", "staging", "release", "heroku"},
    DEVELOPMENT: {"dev", "development", "local", "debug", "devel"},
    TEST: {"test", "tests", "testing", "ci", "pytest", "unittest"},
}
_SETTINGS_MODULE_ENV = re.compile(
    r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']|DJANGO_SETTINGS_MODULE\s*=\s*["']?([\w.]+)"""
)


@dataclass
class Setting:
    """The value a setting ends up with, and the statement that gave it."""

    name: str
    value: Any  # a Python value, or UNKNOWN
    path: str
    name_node: Any
    value_node: Any
    from_env: bool = False  # the value is an environment default
    env_var: str | None = None
    conditional: bool = False  # assigned under `if`/`try`: maybe not taken

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN and not self.conditional

    @property
    def span(self) -> Span:
        return Span.of(self.value_node)

    @property
    def statement_span(self) -> Span:
        return Span.between(self.name_node, self.value_node)


@dataclass
class SettingsModule:
    path: str
    dotted: str
    environment: str
    star_imports: list[str] = field(default_factory=list)
    tree: Any = None


@dataclass
class EffectiveSettings:
    """What a leaf settings module (e.g. production.py) holds after its imports."""

    module: SettingsModule
    values: dict[str, Setting]
    chain: list[str]  # paths of every module that contributes, leaf last

    def get(self, name: str) -> Setting | None:
        return self.values.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        setting = self.values.get(name)
        return default if setting is None else setting.value

    def is_set(self, name: str) -> bool:
        return name in self.values

    def silenced(self, *check_ids: str) -> bool:
        silenced = self.value("SILENCED_SYSTEM_CHECKS", [])
        return isinstance(silenced, (list, tuple)) and any(c in silenced for c in check_ids)

    def string_list(self, name: str) -> list[str] | None:
        value = self.value(name)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        return None


# -- evaluation of values --------------------------------------------------------------
@dataclass
class _Env:
    var: str | None = None
    used: bool = False


_ENV_GETTERS = {"os.environ.get", "os.getenv", "environ.get", "getenv", "os.environ.setdefault"}
_ENV_READERS = re.compile(r"^(env|environ|config|env\.\w+|environ\.Env\.\w+|decouple\.config)$")


def evaluate(node: Any, env: _Env | None = None) -> Any:
    """The value of an expression when no environment variable is set, or UNKNOWN."""
    env = env if env is not None else _Env()
    value = literal_value(node)
    if value is not NOT_A_LITERAL:
        return value
    return _evaluate(node, env)


def _evaluate(node: Any, env: _Env) -> Any:  # noqa: C901 - a small expression interpreter
    kind = node.type
    if kind == "atom" and node.children[0] == "(" and len(node.children) == 3:
        return evaluate(node.children[1], env)
    if kind in ("atom_expr", "power"):
        return _evaluate_call_chain(node, env)
    if kind == "comparison" and len(node.children) == 3:
        left, op, right = evaluate(node.children[0], env), node.children[1], evaluate(node.children[2], env)
        return _compare(left, code_of(op), right)
    if kind == "not_test":
        inner = evaluate(node.children[1], env)
        return UNKNOWN if inner is UNKNOWN else not inner
    if kind in ("or_test", "and_test"):
        values = [evaluate(c, env) for c in node.children[::2]]
        if any(v is UNKNOWN for v in values):
            return UNKNOWN
        result = values[0]
        for v in values[1:]:
            result = (result or v) if kind == "or_test" else (result and v)
        return result
    return UNKNOWN


def _compare(left: Any, op: str, right: Any) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    try:
        return {
            "==": lambda: left == right, "!=": lambda: left != right,
            "in": lambda: left in right, "not in": lambda: left not in right,
            "is": lambda: left is right, "is not": lambda: left is not right,
        }[" ".join(op.split())]()
    except (KeyError, TypeError):
        return UNKNOWN


def _evaluate_call_chain(node: Any, env: _Env) -> Any:
    """`os.environ.get("X", "d").lower() == ...`, `env.bool("X", default=True)`, `int(...)`."""
    children = node.children
    # Find the first call: everything before it is the callee.
    for index, trailer in enumerate(children):
        if trailer.type == "trailer" and trailer.children[0] == "(":
            callee = code_of_parts(children[:index])
            args = trailer.children[1] if len(trailer.children) == 3 else None
            value = _call(callee, args, env)
            return _apply_methods(value, children[index + 1 :])
        if trailer.type == "trailer" and trailer.children[0] == "[":
            callee = code_of_parts(children[:index])
            if callee in ("os.environ", "environ", "env"):
                key = literal_value(trailer.children[1])
                env.used, env.var = True, key if isinstance(key, str) else None
                return UNKNOWN  # required variable: set by the deployment
            return UNKNOWN
    return UNKNOWN


def code_of_parts(parts: list[Any]) -> str:
    return "".join(code_of(p) for p in parts)


def _call(callee: str, args: Any, env: _Env) -> Any:
    positional, keywords = call_arguments(args)
    if callee in _ENV_GETTERS:
        env.used = True
        if positional:
            key = literal_value(positional[0])
            env.var = key if isinstance(key, str) else env.var
        if len(positional) >= 2:
            return evaluate(positional[1], env)
        return None if callee != "os.environ.setdefault" else UNKNOWN
    if _ENV_READERS.match(callee):
        env.used = True
        if positional:
            key = literal_value(positional[0])
            env.var = key if isinstance(key, str) else env.var
        if "default" in keywords:
            value = evaluate(keywords["default"], env)
            cast = code_of(keywords["cast"]) if "cast" in keywords else callee.rsplit(".", 1)[-1]
            return _cast(value, cast)
        return UNKNOWN  # no default: the deployment must set it
    if callee in ("bool", "int", "str", "float", "list", "tuple") and len(positional) == 1:
        return _cast(evaluate(positional[0], env), callee)
    return UNKNOWN


def _cast(value: Any, cast: str) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    try:
        if cast == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("true", "on", "ok", "y", "yes", "1")
            return bool(value)
        if cast == "int":
            return int(value)
        if cast == "float":
            return float(value)
        if cast in ("list", "tuple"):
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return list(value)
        if cast == "str":
            return str(value)
    except (TypeError, ValueError):
        return UNKNOWN
    return value  # env.str, env.json, casts djvet does not know


def _apply_methods(value: Any, trailers: list[Any]) -> Any:
    """Apply `.lower()`, `.split(",")`, `.strip()` and subscripts to a known value."""
    index = 0
    while index < len(trailers):
        if value is UNKNOWN:
            return UNKNOWN
        trailer = trailers[index]
        if trailer.children[0] == "." and index + 1 < len(trailers) and trailers[index + 1].children[0] == "(":
            method = trailer.children[1].value
            call = trailers[index + 1]
            args = [literal_value(a) for a in call_arguments(call.children[1] if len(call.children) == 3 else None)[0]]
            if any(a is NOT_A_LITERAL for a in args) or not isinstance(value, str) or method not in (
                "lower", "upper", "strip", "split", "casefold", "title"
            ):
                return UNKNOWN
            value = getattr(value, method)(*args)
            index += 2
            continue
        return UNKNOWN
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


def _resolve_star(module_dotted: str, from_node: Any, is_package: bool) -> str | None:
    """The dotted name a `from X import *` refers to."""
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


def _statements(tree: Any, conditional: bool = False) -> Iterator[tuple[Any, bool]]:
    for child in tree.children:
        if child.type == "simple_stmt":
            for stmt in child.children:
                if stmt.type != "newline":
                    yield stmt, conditional
        elif child.type in ("expr_stmt", "import_from"):
            yield child, conditional
        elif child.type in ("if_stmt", "try_stmt", "with_stmt", "for_stmt"):
            # `with` bodies always run; `if`/`try` bodies may not.
            maybe = conditional or child.type != "with_stmt"
            for block in child.children:
                if block.type == "suite":
                    yield from _statements(block, maybe)
                elif block.type == "simple_stmt":
                    for stmt in block.children:
                        if stmt.type != "newline":
                            yield stmt, maybe


def _setting_from(name_leaf: Any, value_node: Any, path: str, conditional: bool) -> Setting:
    env = _Env()
    value = evaluate(value_node, env)
    return Setting(
        name=name_leaf.value, value=value, path=path, name_node=name_leaf, value_node=value_node,
        from_env=env.used, env_var=env.var, conditional=conditional,
    )


def _mutation(stmt: Any) -> tuple[str, str, list[Any]] | None:
    """`NAME.append(x)` / `insert(i, x)` / `extend(xs)` / `remove(x)` at module level."""
    parts = call_parts(stmt) if stmt.type in ("atom_expr", "power") else None
    if not parts or parts[0].count(".") != 1:
        return None
    name, method = parts[0].split(".")
    if not name.isupper() or method not in ("append", "insert", "extend", "remove"):
        return None
    return name, method, call_arguments(parts[1])[0]


def _mutate(setting: Setting, method: str, args: list[Any]) -> None:
    values = [literal_value(a) for a in args]
    current = setting.value
    if current is UNKNOWN or any(v is NOT_A_LITERAL for v in values) or not isinstance(current, (list, tuple)):
        setting.value = UNKNOWN
        return
    current = list(current)
    try:
        if method == "append":
            current.append(values[0])
        elif method == "insert":
            current.insert(values[0], values[1])
        elif method == "extend":
            current.extend(values[0])
        else:
            current.remove(values[0])
    except (IndexError, ValueError, TypeError):
        setting.value = UNKNOWN
        return
    setting.value = current


# -- the project-wide index ------------------------------------------------------------
@dataclass
class SettingsIndex:
    modules: dict[str, SettingsModule]  # by path
    by_dotted: dict[str, str]
    children: dict[str, set[str]]  # path -> paths of modules star-importing it

    def leaves(self) -> list[SettingsModule]:
        return [m for p, m in self.modules.items() if not self.children.get(p)]

    def production_leaves(self) -> list[SettingsModule]:
        return [m for m in self.leaves() if m.environment in (PRODUCTION, BASE)]

    def chain(self, path: str, seen: set[str] | None = None) -> list[str]:
        """Paths contributing to a module: its star imports (recursively), then itself."""
        seen = seen if seen is not None else set()
        if path in seen:
            return []
        seen.add(path)
        result: list[str] = []
        for dotted in self.modules[path].star_imports:
            parent = self.by_dotted.get(dotted)
            if parent:
                result.extend(p for p in self.chain(parent, seen) if p not in result)
        result.append(path)
        return result


def build_settings_index(project: ProjectIndex) -> SettingsIndex:
    modules: dict[str, SettingsModule] = {}
    for path in project.python_files():
        text = project.read(path)
        if text is None or not project.roles(path, text) & FileRole.SETTINGS:
            continue
        tree = parse_python(text)
        dotted = dotted_name(path)
        module = SettingsModule(path=path, dotted=dotted, environment=BASE, tree=tree)
        is_package = path.endswith("__init__.py")
        for stmt, _ in _statements(tree):
            if stmt.type == "import_from" and stmt.is_star_import():
                target = _resolve_star(dotted, stmt, is_package)
                if target:
                    module.star_imports.append(target)
        modules[path] = module
    by_dotted = {m.dotted: p for p, m in modules.items()}
    # A star import may name a module by a shorter or longer dotted path than ours
    # (src layouts, settings packages without __init__): match on the longest suffix.
    for module in modules.values():
        module.star_imports = [_match_dotted(d, by_dotted) or d for d in module.star_imports]
    children: dict[str, set[str]] = {}
    for path, module in modules.items():
        for dotted in module.star_imports:
            if dotted in by_dotted:
                children.setdefault(by_dotted[dotted], set()).add(path)
    index = SettingsIndex(modules, by_dotted, children)
    _classify(index, project)
    return index


def _match_dotted(dotted: str, by_dotted: dict[str, str]) -> str | None:
    if dotted in by_dotted:
        return dotted
    candidates = [d for d in by_dotted if d.endswith("." + dotted) or dotted.endswith("." + d)]
    return candidates[0] if len(candidates) == 1 else None


def _classify(index: SettingsIndex, project: ProjectIndex) -> None:
    configured = project.config.settings_modules
    deployed = _deployed_settings(project)
    for path, module in index.modules.items():
        module.environment = _environment(module, project, configured, deployed)


def _environment(module: SettingsModule, project: ProjectIndex, configured: Any, deployed: set[str]) -> str:
    relative = project.config.relative(module.path)
    for environment, names in configured.items():
        if any(module.dotted == n or module.dotted.endswith("." + n) or relative == n for n in names):
            return environment
    words = set(re.split(r"[_.\-]", Path(module.path).stem.lower()))
    for environment in (TEST, DEVELOPMENT, PRODUCTION):
        if words & _ENV_WORDS[environment]:
            return environment
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


register_fact("settings", FileRole.SETTINGS)


def settings_index(project: ProjectIndex) -> SettingsIndex:
    return project.fact("settings", build_settings_index)


def effective_settings(project: ProjectIndex, module: SettingsModule) -> EffectiveSettings:
    index = settings_index(project)
    chain = index.chain(module.path)
    values: dict[str, Setting] = {}
    for path in chain:
        _apply_module(index.modules[path], values)
    return EffectiveSettings(module=module, values=values, chain=chain)


def _apply_module(module: SettingsModule, values: dict[str, Setting]) -> None:
    for stmt, conditional in _statements(module.tree):
        if stmt.type == "import_from":
            continue
        for name_leaf, value_node in assignment_pairs(stmt):
            if name_leaf.value.isupper():
                setting = _setting_from(name_leaf, value_node, module.path, conditional)
                previous = values.get(name_leaf.value)
                if conditional and previous is not None:
                    setting.conditional = True
                values[name_leaf.value] = setting
        if (augmented := augmented_assignment(stmt)) and augmented[0].value in values:
            target = values[augmented[0].value]
            extra = evaluate(augmented[2])
            try:
                target.value = target.value + extra if UNKNOWN not in (target.value, extra) else UNKNOWN
            except TypeError:
                target.value = UNKNOWN
        if (mutation := _mutation(stmt)) and mutation[0] in values:
            _mutate(values[mutation[0]], mutation[1], mutation[2])


def production_settings_for(project: ProjectIndex, path: str) -> list[EffectiveSettings]:
    """The production views of the settings a file contributes to.

    For production.py itself, its own effective settings; for base.py, those of every
    production module that builds on it. Development and test modules get none.
    """
    index = settings_index(project)
    path = os.path.abspath(path)
    if path not in index.modules:
        return []
    result = []
    for leaf in index.production_leaves():
        if path in index.chain(leaf.path):
            result.append(effective_settings(project, leaf))
    return result
