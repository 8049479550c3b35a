"""Editor settings: typed, validated, and never fatal.

Settings come from `initializationOptions` and from the `djvet` section of
`workspace/configuration` (the latter wins). Keys are camelCase (`extendSelect`); a
`{"djvet": {...}}` wrapper is accepted too, as some clients nest their settings.

A value of the wrong shape falls back to the default and leaves a message naming the
key, which the server shows once with `window/showMessage` (jedi-language-server's
"typed options that fall back to defaults", without crashing on a typo).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from djvet.core.config import ENVIRONMENTS, parse_version, prefix_help, valid_prefix
from djvet.core.model import Severity

SECTION = "djvet"
DIAGNOSTIC_MODES = ("openFiles", "workspace")


@dataclass(frozen=True)
class EditorSettings:
    """What the editor asked for; `None` means "not set here" (pyproject or defaults)."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    per_file_ignores: dict[str, tuple[str, ...]] | None = None
    exclude: tuple[str, ...] | None = None
    severity: dict[str, str] | None = None
    settings_modules: dict[str, tuple[str, ...]] | None = None
    django_version: str | None = None
    python: str | None = None
    diagnostic_mode: str | None = None  # "openFiles" (default) or "workspace"
    messages: tuple[str, ...] = field(default=(), compare=False)

    def overrides(self) -> dict[str, Any]:
        """The set values, keyed like `[tool.djvet]`, for `Config.with_overrides`.

        Rule selection is not among them: it is a layer on top of pyproject's
        (`Config.with_selection`), where `select` starts afresh and `ignore` adds.
        """
        return {
            f.name.replace("_", "-"): value
            for f in fields(self)
            if f.name not in _NOT_OVERRIDES
            and (value := getattr(self, f.name)) is not None
        }

    @property
    def workspace_mode(self) -> bool:
        """Whether the files of the workspace that are not open are reported too."""
        return self.diagnostic_mode == "workspace"

    def has_selection(self) -> bool:
        return any(
            v is not None for v in (self.select, self.extend_select, self.ignore)
        )


_NOT_OVERRIDES = {"messages", "select", "extend_select", "ignore", "diagnostic_mode"}


class _Invalid(ValueError):
    """A value that cannot be used at all: the key falls back to its default."""


def _problem(key: str, text: str) -> str:
    return f"djvet: editor setting `{key}` {text}"


def _string_list(value: Any, key: str, messages: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"must be a list of strings (got {value!r})")
    return tuple(value)


def _codes(value: Any, key: str, messages: list[str]) -> tuple[str, ...]:
    items = _string_list(value, key, messages)
    good = tuple(item.strip().upper() for item in items if valid_prefix(item))
    for bad in (item for item in items if not valid_prefix(item)):
        messages.append(
            _problem(
                key, f"has unknown rule code or prefix `{bad}` ({prefix_help(bad)})"
            )
        )
    if items and not good:
        # Every entry was wrong: selecting nothing would silently disable djvet.
        raise _Invalid("has no valid rule code or prefix")
    return good


def _table(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Invalid(f"must be a table of {what} (got {value!r})")
    return value


def _kept(table: Mapping[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """An empty result from a non-empty table would erase pyproject's: use the default."""
    if table and not result:
        raise _Invalid("has no usable entry")
    return result


def _severity(value: Any, key: str, messages: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    table = _table(value, "code = level")
    for code, level in table.items():
        try:
            if not valid_prefix(str(code)):
                raise ValueError(f"unknown rule code or prefix `{code}`")
            Severity.parse(str(level))
        except ValueError as error:
            messages.append(_problem(f"{key}.{code}", f"is ignored: {error}"))
            continue
        result[str(code).upper()] = str(level)
    return _kept(table, result)


def _settings_modules(
    value: Any, key: str, messages: list[str]
) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    table = _table(value, "environment = [modules]")
    for environment, modules in table.items():
        if environment not in ENVIRONMENTS:
            messages.append(
                _problem(
                    f"{key}.{environment}", f"is not one of {', '.join(ENVIRONMENTS)}"
                )
            )
            continue
        result[environment] = _string_list(modules, f"{key}.{environment}", messages)
    return _kept(table, result)


def _per_file_ignores(
    value: Any, key: str, messages: list[str]
) -> dict[str, tuple[str, ...]]:
    return {
        str(glob): _codes(codes, f"{key}.{glob}", messages)
        for glob, codes in _table(value, "glob = [codes]").items()
    }


def _version(value: Any, key: str, messages: list[str]) -> str:
    if (
        isinstance(value, bool)
        or not isinstance(value, (str, int, float))
        or parse_version(value) is None
    ):
        raise _Invalid(f'must look like "5.2" (got {value!r})')
    return str(value)


def _path(value: Any, key: str, messages: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"must be the path of a Python interpreter (got {value!r})")
    return value


def _diagnostic_mode(value: Any, key: str, messages: list[str]) -> str:
    if value not in DIAGNOSTIC_MODES:
        raise _Invalid(
            f"must be one of {', '.join(map(repr, DIAGNOSTIC_MODES))} (got {value!r})"
        )
    return str(value)


_PARSERS: dict[str, tuple[str, Callable[[Any, str, list[str]], Any]]] = {
    "select": ("select", _codes),
    "extendSelect": ("extend_select", _codes),
    "ignore": ("ignore", _codes),
    "perFileIgnores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "severity": ("severity", _severity),
    "settingsModules": ("settings_modules", _settings_modules),
    "djangoVersion": ("django_version", _version),
    "python": ("python", _path),
    "diagnosticMode": ("diagnostic_mode", _diagnostic_mode),
}
# pyproject-style spellings are accepted as well, since users copy them across.
_ALIASES = {
    "extend-select": "extendSelect",
    "per-file-ignores": "perFileIgnores",
    "settings-modules": "settingsModules",
    "django-version": "djangoVersion",
}


def parse_settings(raw: Any) -> EditorSettings:
    """Typed settings from whatever the client sent; bad values become defaults + messages."""
    if raw is None or raw == []:  # Lua clients send an empty table as `[]`
        return EditorSettings()
    if (
        isinstance(raw, Mapping)
        and set(raw) == {SECTION}
        and isinstance(raw[SECTION], Mapping)
    ):
        raw = raw[SECTION]
    if not isinstance(raw, Mapping):
        return EditorSettings(
            messages=(
                f"djvet: editor settings must be an object (got {raw!r}); "
                "using the defaults",
            )
        )
    values: dict[str, Any] = {}
    messages: list[str] = []
    for key, value in raw.items():
        known = _PARSERS.get(_ALIASES.get(key, key))
        if known is None or value is None:
            continue  # other tools' settings share some clients' sections: not an error
        attribute, parse = known
        try:
            values[attribute] = parse(value, key, messages)
        except _Invalid as error:
            messages.append(_problem(key, f"{error}; using the default"))
    return EditorSettings(**values, messages=tuple(messages))


def merge(base: Any, override: Any) -> Any:
    """`workspace/configuration` values on top of `initializationOptions`."""
    # Lua's empty `{}`
    base, override = (None if v == [] else v for v in (base, override))
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        if set(base) == {SECTION}:
            base = base[SECTION]
        return {**base, **override}
    return override if override is not None else base
