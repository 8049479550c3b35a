"""Running a settings module's top-level statements, statically.

A module is interpreted top to bottom, the way Python runs it: `from .base import *`
copies base's settings at that point, `+=` / `append` / `insert` / `extend` / `remove`
change lists, and an `if` whose test djvet can decide without the environment runs
one branch. Anything else under `if`/`try`/`for` is *conditional*: djvet does not know
whether it ran, so rules report nothing about its value. A conditional change to a list
is tracked item by item (`if DEBUG: INSTALLED_APPS += ["debug_toolbar"]` leaves every
other app known to be installed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from djvet.core.parso_utils import (
    assignment_pairs,
    augmented_assignment,
    call_arguments,
    call_parts,
    code_of,
)
from djvet.project.settings_values import UNKNOWN, Scope, Setting, Trace, evaluate

if TYPE_CHECKING:
    from djvet.project.settings import SettingsIndex, SettingsModule


def resolve_from(module_dotted: str, from_node: Any, is_package: bool) -> str | None:
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
        return [
            c for c in block.children if c.type not in ("newline", "indent", "dedent")
        ]
    return [block]


def from_imports(tree: Any) -> Iterator[Any]:
    """Every module-level `from X import ...`, also under `if`/`try`/`with`."""
    for child in tree.children:
        if child.type == "simple_stmt":
            yield from (s for s in child.children if s.type == "import_from")
        elif child.type in ("if_stmt", "try_stmt", "with_stmt"):
            for block in child.children:
                if block.type in ("suite", "simple_stmt"):
                    yield from from_imports(block)


def match_dotted(dotted: str, by_dotted: dict[str, str]) -> str | None:
    if dotted in by_dotted:
        return dotted
    candidates = [
        d for d in by_dotted if d.endswith("." + dotted) or dotted.endswith("." + d)
    ]
    return candidates[0] if len(candidates) == 1 else None


@dataclass
class ModuleResult:
    """A module after running it: its names, the modules it read, and what it hides."""

    names: dict[str, Setting]
    chain: list[str]
    incomplete: bool
    scope: Scope


class Interpreter:
    """Runs one settings module's top-level statements over a namespace of `Setting`s."""

    def __init__(self, index: SettingsIndex, module: SettingsModule) -> None:
        self.index, self.module = index, module
        self.scope = Scope()
        self.names = self.scope.names
        self.chain: list[str] = []
        self.incomplete = module.dynamic

    def run(self) -> ModuleResult:
        self._block(_block_statements_of_module(self.module.tree), conditional=False)
        self.chain.append(self.module.path)
        return ModuleResult(self.names, self.chain, self.incomplete, self.scope)

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
                        self._block(
                            _block_statements(block), conditional or not certain
                        )
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
            self._block(
                _block_statements(block), conditional or uncertain or taken is None
            )
            if taken is True and not uncertain:
                return
            uncertain = True

    def _decide(self, test: Any) -> bool | None:
        """An `if` test's truth when it does not depend on the environment, else None."""
        trace = Trace()
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
        trace = Trace()
        value = evaluate(value_node, trace, self.scope)
        setting = Setting(
            name=name_leaf.value,
            value=value,
            path=self.module.path,
            name_node=name_leaf,
            value_node=value_node,
            from_env=trace.used,
            env_var=trace.var,
        )
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

    def _mutate(
        self, name: str, method: str, args: list[Any], conditional: bool
    ) -> None:
        setting = self.names.get(name)
        if setting is None:
            return
        values = [evaluate(a, scope=self.scope) for a in args]
        if method == "append" and values:
            self._add(
                name, [values[0]] if values[0] is not UNKNOWN else UNKNOWN, conditional
            )
        elif method == "extend" and values:
            self._add(
                name,
                values[0] if isinstance(values[0], (list, tuple)) else UNKNOWN,
                conditional,
            )
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
        dotted = resolve_from(
            self.module.dotted, stmt, self.module.path.endswith("__init__.py")
        )
        dotted = match_dotted(dotted, self.index.by_dotted) if dotted else None
        path = self.index.importable(dotted) if dotted else None
        if path is None:
            if (
                stmt.is_star_import()
                and not conditional
                and not _is_stdlib_or_django(stmt)
            ):
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
            imported = {
                alias.value: result.names[name.value]
                for name, alias in _import_names(stmt)
                if name.value in result.names
            }
        for name, setting in imported.items():
            copied = setting.copy()
            if conditional:
                copied = _merge_conditional(self.names.get(name), copied)
            self.names[name] = copied

    def _scheme(self, value_node: Any) -> None:
        """`env = environ.Env(DEBUG=(bool, False))`: defaults django-environ reads use."""
        parts = (
            call_parts(value_node)
            if value_node.type in ("atom_expr", "power")
            else None
        )
        if not parts or not parts[0].endswith("Env"):
            return
        for name, node in call_arguments(parts[1])[1].items():
            if (
                node.type == "atom"
                and node.children[0] == "("
                and node.children[1].type == "testlist_comp"
            ):
                items = [c for c in node.children[1].children if c != ","]
                if len(items) == 2:
                    self.scope.scheme[name] = (
                        code_of(items[0]),
                        evaluate(items[1], scope=self.scope),
                    )

    def _helper(self, funcdef: Any) -> None:
        """A settings-local reader like `def envbool(name, default)` built on os.getenv."""
        if funcdef.type != "funcdef":
            return
        name = funcdef.name.value
        body = code_of(funcdef)
        if "env" not in name.lower() or not re.search(r"getenv\(|environ", body):
            return
        lowered = name.lower()
        cast = next(
            (c for c in ("bool", "int", "float", "list") if c in lowered), "str"
        )
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
    if (
        previous is not None
        and previous.known
        and new.value is not UNKNOWN
        and new.value == previous.value
    ):
        return previous  # both branches agree
    if (
        previous is not None
        and previous.known
        and new.value is not UNKNOWN
        and isinstance(previous.value, (list, tuple))
        and isinstance(new.value, (list, tuple))
    ):
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
