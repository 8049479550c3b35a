"""Configuration: `[tool.djvet]` in pyproject.toml, editor settings, CLI flags.

Precedence is editor settings / CLI flags > pyproject.toml > defaults. Every key is
validated; a bad value is reported in `Config.messages` (naming the key) and the
default is used instead, so a typo never takes the checker down.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from djvet.core.model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENVIRONMENTS = ("production", "development", "test")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".djvet_cache", "build",
    "dist", "site-packages", "staticfiles", "htmlcov", ".eggs",
)
_PREFIX = re.compile(r"^(ALL|DJV[0-9]{0,3})$")


class ConfigError(ValueError):
    """A value the user gave on the command line that cannot be used (exit code 2)."""


def known_codes() -> set[str]:
    from djvet.core.rule import RULES, discover

    discover()
    return set(RULES)


def valid_prefix(prefix: str) -> bool:
    """`ALL`, `DJV`, a family `DJV2`, a decade `DJV20` or a code that exists."""
    prefix = prefix.strip().upper()
    if not _PREFIX.match(prefix):
        return False
    if prefix in ("ALL", "DJV") or len(prefix) < 6:
        return prefix == "ALL" or any(code.startswith(prefix) for code in known_codes())
    return prefix in known_codes()


def prefix_help() -> str:
    families = sorted({code[:4] for code in known_codes()})
    return f"use ALL, DJV, a family prefix ({', '.join(families)}) or a rule code such as DJV201"


def _longest_match(code: str, prefixes: Iterable[str]) -> int:
    lengths = [0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)]
    return max(lengths, default=-1)


def _match_path(path: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, f"{pattern}/*"):
        return True
    return "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in path.split("/"))


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("DJV",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    settings_modules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    django_version: tuple[int, ...] | None = None
    python: str | None = None
    root: Path | None = None
    messages: tuple[str, ...] = ()

    # -- rule selection ---------------------------------------------------------------
    def is_enabled(self, code: str, *, default_enabled: bool = True) -> bool:
        selected = _longest_match(code, (*self.select, *self.extend_select))
        if selected < 0:
            return False
        if not default_enabled and selected < len(code):
            return False
        # The more specific of select and ignore wins; a tie goes to ignore (as in ruff).
        return _longest_match(code, self.ignore) < selected

    def ignored_for_path(self, code: str, relative_path: str) -> bool:
        for pattern, codes in self.per_file_ignores.items():
            if _match_path(relative_path, pattern) and _longest_match(code, codes) >= 0:
                return True
        return False

    def is_excluded(self, relative_path: str) -> bool:
        parts = relative_path.split("/")
        if any(part in DEFAULT_EXCLUDE for part in parts[:-1]):
            return True
        return any(_match_path(relative_path, pattern) for pattern in self.exclude)

    def severity_for(self, code: str, default: Severity) -> Severity:
        best, chosen = -1, default
        for prefix, severity in self.severity.items():
            length = _longest_match(code, (prefix,))
            if length > best:
                best, chosen = length, severity
        return chosen

    def relative(self, path: str | Path) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def with_overrides(self, values: Mapping[str, Any], source: str) -> Config:
        """A copy with validated `values` (pyproject or editor style keys) applied."""
        changes, messages = parse_values(values, source)
        return replace(self, **changes, messages=(*self.messages, *messages))


# -- parsing and validation ------------------------------------------------------------
def _codes(value: Any, key: str, source: str, messages: list[str]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        messages.append(f"{source}: `{key}` must be a list of rule codes or prefixes; ignored")
        return None
    good = []
    for item in value:
        if valid_prefix(item):
            good.append(item.strip().upper())
        else:
            messages.append(f"{source}: `{key}` has unknown rule code or prefix `{item}` ({prefix_help()})")
    return tuple(good)


def _strings(value: Any, key: str, source: str, messages: list[str]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        messages.append(f"{source}: `{key}` must be a list of strings; ignored")
        return None
    return tuple(value)


def _per_file_ignores(value: Any, source: str, messages: list[str]) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(value, Mapping):
        messages.append(f"{source}: `per-file-ignores` must be a table of glob = [codes]; ignored")
        return None
    result = {}
    for pattern, codes in value.items():
        parsed = _codes(codes, f"per-file-ignores.{pattern}", source, messages)
        if parsed is not None:
            result[str(pattern)] = parsed
    return result


def _severity(value: Any, source: str, messages: list[str]) -> dict[str, Severity] | None:
    if not isinstance(value, Mapping):
        messages.append(f"{source}: `severity` must be a table of code = level; ignored")
        return None
    result = {}
    for prefix, level in value.items():
        if not valid_prefix(str(prefix)):
            messages.append(f"{source}: `severity` has unknown rule code or prefix `{prefix}`")
            continue
        try:
            result[str(prefix).upper()] = Severity.parse(str(level))
        except ValueError as error:
            messages.append(f"{source}: `severity.{prefix}`: {error}")
    return result


def _settings_modules(value: Any, source: str, messages: list[str]) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(value, Mapping):
        messages.append(
            f"{source}: `settings-modules` must be a table like "
            '{production = ["config.settings.production"]}; ignored'
        )
        return None
    result = {}
    for environment, modules in value.items():
        if environment not in ENVIRONMENTS:
            messages.append(
                f"{source}: `settings-modules.{environment}` is not one of {', '.join(ENVIRONMENTS)}"
            )
            continue
        parsed = _strings(modules, f"settings-modules.{environment}", source, messages)
        if parsed is not None:
            result[environment] = parsed
    return result


def parse_version(value: Any) -> tuple[int, ...] | None:
    match = re.fullmatch(r"\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*", str(value))
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


_KEYS = {
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "severity",
    "settings-modules", "django-version", "python",
}


def parse_values(values: Mapping[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    """Validate raw configuration values; returns (dataclass changes, messages)."""
    changes: dict[str, Any] = {}
    messages: list[str] = []
    for raw_key, value in values.items():
        key = raw_key.replace("_", "-")
        if key not in _KEYS:
            messages.append(f"{source}: unknown key `{raw_key}` (known keys: {', '.join(sorted(_KEYS))})")
            continue
        if value is None:
            continue
        parsed: Any
        if key in ("select", "extend-select", "ignore"):
            parsed = _codes(value, key, source, messages)
        elif key == "exclude":
            parsed = _strings(value, key, source, messages)
        elif key == "per-file-ignores":
            parsed = _per_file_ignores(value, source, messages)
        elif key == "severity":
            parsed = _severity(value, source, messages)
        elif key == "settings-modules":
            parsed = _settings_modules(value, source, messages)
        elif key == "django-version":
            parsed = parse_version(value)
            if parsed is None:
                messages.append(f"{source}: `django-version` must look like \"5.2\"; got {value!r}")
        else:  # python
            parsed = value if isinstance(value, str) else None
            if parsed is None:
                messages.append(f"{source}: `python` must be a path to an interpreter")
        if parsed is not None:
            changes[key.replace("-", "_")] = parsed
    return changes, messages


def find_project_root(start: Path) -> Path:
    """The nearest folder holding pyproject.toml, manage.py or .git, else `start`."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file() and _has_djvet_table(candidate / "pyproject.toml"):
            return candidate
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ("pyproject.toml", "manage.py", ".git")):
            return candidate
    return folder


def _has_djvet_table(path: Path) -> bool:
    try:
        return "djvet" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, ValueError, UnicodeDecodeError):
        return False


def load_config(root: Path) -> Config:
    """Read `[tool.djvet]` from `root/pyproject.toml` (a missing file means defaults)."""
    config = Config(root=root)
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return config
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return replace(config, messages=(f"{pyproject}: not valid TOML ({error}); using defaults",))
    table = data.get("tool", {}).get("djvet", {})
    if not isinstance(table, Mapping):
        return replace(config, messages=(f"{pyproject}: [tool.djvet] must be a table; using defaults",))
    return config.with_overrides(table, f"{pyproject.name} [tool.djvet]")
