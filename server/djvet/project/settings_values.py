"""Values of settings expressions, computed statically.

`evaluate` gives what an expression holds *when the environment sets nothing*:
literals, arithmetic, names of other settings, comprehensions over known lists, and
the defaults of environment readers — `os.environ.get`, `os.getenv`, django-environ
(`env.bool("X", default=...)`, `environ.Env(X=(bool, False))` schemes), environs
(`env.list("X", ["*"])`), python-decouple (`config("X", default=..., cast=...)`) and
small `envbool("X", "True")` helpers a settings module defines. A `Trace` records
whether the environment was read, and which variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from djvet.core.model import Span
from djvet.core.parso_utils import NOT_A_LITERAL, call_arguments, code_of, literal_value

UNKNOWN = NOT_A_LITERAL  # a value djvet cannot know statically


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
        return (
            self.value is not UNKNOWN
            and not self.conditional
            and not self.open_ended
            and not self.maybe_added
            and not self.maybe_removed
        )

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
        fresh = {
            "value": value,
            "maybe_added": list(self.maybe_added),
            "maybe_removed": list(self.maybe_removed),
        }
        # a change given by the caller wins
        return replace(self, **{**fresh, **changes})


@dataclass
class Trace:
    """What an evaluation touched: whether it read the environment, and which variable."""

    used: bool = False
    var: str | None = None

    def read(self, var: Any) -> None:
        self.used = True
        if isinstance(var, str) and self.var is None:
            self.var = var


_ENV_GETTERS = {
    "os.environ.get",
    "os.getenv",
    "environ.get",
    "getenv",
    "os.environ.setdefault",
}
_ENV_READER = re.compile(
    r"^(env|environ|environ\.Env\(\)|config|decouple\.config)(\.([a-z_]\w*))?$"
)
# django-environ methods whose second positional argument is a cast, not the default.
_CAST_FIRST = {"list", "tuple", "dict", ""}
_CASTS = {
    "bool",
    "int",
    "str",
    "float",
    "list",
    "tuple",
    "json",
    "Csv",
    "strtobool",
    "dict",
}
_MAX_SIZE = 10_000


@dataclass
class Scope:
    """Names visible to an expression: settings and module variables, env schemes, helpers."""

    names: dict[str, Setting] = field(default_factory=dict)
    # var -> (cast, default)
    scheme: dict[str, tuple[str, Any]] = field(default_factory=dict)
    helpers: dict[str, str] = field(default_factory=dict)  # envbool -> "bool"


def evaluate(node: Any, env: Trace | None = None, scope: Scope | None = None) -> Any:
    """The value of an expression when no environment variable is set, or UNKNOWN."""
    trace = env if env is not None else Trace()
    value = literal_value(node)
    if value is not NOT_A_LITERAL:
        return value
    try:
        return _Evaluator(scope or Scope(), trace).value(node)
    except RecursionError:
        return UNKNOWN


class _Evaluator:
    def __init__(self, scope: Scope, trace: Trace) -> None:
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
        if (
            opening == "("
            and len(node.children) == 3
            and node.children[1].type != "testlist_comp"
        ):
            return self.value(node.children[1])
        if opening in ("[", "("):
            return self._sequence(node, list if opening == "[" else tuple)
        if (
            opening == "{"
            and len(node.children) == 3
            and node.children[1].type == "dictorsetmaker"
        ):
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
        if (
            parts[1].type != "name"
            or len(parts) > 5
            or (len(parts) == 5 and parts[4].type != "comp_if")
        ):
            return UNKNOWN
        iterable = self.value(parts[3])
        if not isinstance(iterable, (list, tuple, str)) or len(iterable) > _MAX_SIZE:
            return UNKNOWN
        names, result = self.scope.names, []
        saved = names.get(parts[1].value)
        try:
            for item in iterable:
                names[parts[1].value] = Setting(
                    parts[1].value, item, "", parts[1], parts[1]
                )
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
        if (
            any(c.type in ("comp_for", "sync_comp_for") for c in children)
            or len(children) < 3
        ):
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
                result = {
                    "+": lambda a, b: a + b,
                    "-": lambda a, b: a - b,
                    "*": lambda a, b: a * b,
                    "//": lambda a, b: a // b,
                }[op.value](result, right)
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
            result = (
                value
                if index == 0
                else ((result or value) if is_or else (result and value))
            )
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
            "==": lambda: left == right,
            "!=": lambda: left != right,
            "in": lambda: left in right,
            "not in": lambda: left not in right,
            "is": lambda: left is right,
            "is not": lambda: left is not right,
            "<": lambda: left < right,
            "<=": lambda: left <= right,
            ">": lambda: left > right,
            ">=": lambda: left >= right,
        }[" ".join(op.split())]()
    except (KeyError, TypeError):
        return UNKNOWN


class _CallChain:
    """`os.environ.get("X", "d").lower() == ...`, `env.bool("X", default=True)`, `int(...)`."""

    def __init__(self, evaluator: _Evaluator, node: Any) -> None:
        self.evaluator, self.node = evaluator, node

    def value(self) -> Any:
        value = self._call_value()
        if value is UNKNOWN and self.node.children[0].type in (
            "name",
            "atom",
            "string",
        ):
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
                return self._subscript(callee, trailer, children[index + 1 :])
            args = trailer.children[1] if len(trailer.children) == 3 else None
            value = self._call(callee, args)
            return _apply_methods(value, children[index + 1 :])
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
            return self._env_reader(
                match.group(1), match.group(3) or "", positional, keywords
            )
        if callee in _CASTS and len(positional) == 1 and not keywords:
            return _cast(self.evaluator.value(positional[0]), callee)
        if callee == "json.loads" and len(positional) == 1:
            return _cast(self.evaluator.value(positional[0]), "json")
        return UNKNOWN

    def _helper(
        self, cast: str, positional: list[Any], keywords: dict[str, Any]
    ) -> Any:
        if positional:
            self.evaluator.trace.read(literal_value(positional[0]))
        default = positional[1] if len(positional) >= 2 else keywords.get("default")
        if default is None:
            return UNKNOWN
        return _cast(self.evaluator.value(default), cast)

    def _env_reader(
        self, reader: str, method: str, positional: list[Any], keywords: dict[str, Any]
    ) -> Any:
        trace = self.evaluator.trace
        var = literal_value(positional[0]) if positional else UNKNOWN
        trace.read(var)
        decouple = reader in ("config", "decouple.config")
        if decouple and method:
            return UNKNOWN  # `config.something(...)`: not python-decouple's reader
        cast_node = keywords.get("cast")
        default_node = keywords.get("default")
        if decouple:
            default_node = default_node or (
                positional[1] if len(positional) >= 2 else None
            )
        elif method in _CAST_FIRST and len(positional) >= 2 and _is_cast(positional[1]):
            # django-environ: `env.list("X", str, ["a"])`; environs: `env.list("X", ["a"])`.
            cast_node = cast_node or positional[1]
            default_node = default_node or (
                positional[2] if len(positional) >= 3 else None
            )
        else:
            default_node = default_node or (
                positional[1] if len(positional) >= 2 else None
            )
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
    return literal_value(node) is NOT_A_LITERAL and node.type in (
        "name",
        "atom_expr",
        "power",
    )


def _cast(value: Any, cast: str) -> Any:  # noqa: C901 - one branch per cast
    if value is UNKNOWN:
        return UNKNOWN
    try:
        if cast in ("bool", "strtobool"):
            if isinstance(value, str):
                return value.strip().lower() in (
                    "true",
                    "on",
                    "ok",
                    "y",
                    "yes",
                    "1",
                    "t",
                )
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
        args = [
            literal_value(a)
            for a in call_arguments(
                call.children[1] if len(call.children) == 3 else None
            )[0]
        ]
        if (
            any(a is NOT_A_LITERAL for a in args)
            or not isinstance(value, str)
            or method
            not in (
                "lower",
                "upper",
                "strip",
                "split",
                "casefold",
                "title",
                "rstrip",
                "lstrip",
                "removesuffix",
            )
        ):
            return UNKNOWN
        value = getattr(value, method)(*args)
        index += 2
    return value
