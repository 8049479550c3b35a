"""Configuration: `[tool.djvet]` in pyproject.toml, editor settings, CLI flags.

Precedence is editor settings / CLI flags > pyproject.toml > defaults. Every key is
validated; a bad value is reported in `Config.messages` (naming the key) and the
default is used instead, so a typo never takes the checker down.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
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
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "env",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".djvet_cache",
    "build",
    "dist",
    "site-packages",
    "staticfiles",
    "htmlcov",
    ".eggs",
)
_PREFIX = re.compile(r"^(ALL|DJV[0-9]{0,3})$")
_FAMILY = re.compile(r"^DJV[1-9]$")
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class ConfigError(ValueError):
    """A value the user gave on the command line that cannot be used (exit code 2)."""


def known_codes() -> set[str]:
    from djvet.core.rule import RULES, discover

    discover()
    return set(RULES)


def valid_prefix(prefix: str) -> bool:
    """`ALL`, `DJV`, a family `DJV1`…`DJV9`, or a prefix of a code that exists (`DJV20`,
    `DJV201`). Families are always valid: they are fixed by the design, not by which
    rules happen to be installed."""
    prefix = prefix.strip().upper()
    if not _PREFIX.match(prefix):
        return False
    if prefix in ("ALL", "DJV") or _FAMILY.match(prefix):
        return True
    return any(code.startswith(prefix) for code in known_codes())


def prefix_help(unknown: str | None = None) -> str:
    """What may be selected, for error messages (with a suggestion for `unknown`)."""
    from djvet.core.rule import Family

    families = ", ".join(f"DJV{f.digit} ({f.slug})" for f in Family)
    text = f"valid: ALL, DJV, a family prefix {families}, or a rule code (`djvet rules` lists them)"
    if unknown:
        close = difflib.get_close_matches(
            unknown.strip().upper(), sorted(known_codes()), n=1
        )
        if close:
            text = f"did you mean {close[0]}? {text}"
    return text


def _longest_match(code: str, prefixes: Iterable[str]) -> int:
    lengths = [
        0 if p == "ALL" else len(p)
        for p in prefixes
        if p == "ALL" or code.startswith(p)
    ]
    return max(lengths, default=-1)


def _match_path(path: str, pattern: str) -> bool:
    """Glob `pattern` against a root-relative POSIX `path`. A pattern names the file or any
    folder above it; `**/` may match no folder at all; a pattern without `/` matches any
    path component (`__init__.py`, `migrations`)."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if not pattern:
        return False
    candidates = {pattern}
    while pattern.startswith("**/"):
        pattern = pattern[3:]
        candidates.add(pattern)
    for candidate in candidates:
        if fnmatch.fnmatchcase(path, candidate) or fnmatch.fnmatchcase(
            path, f"{candidate}/*"
        ):
            return True
    return "/" not in pattern and any(
        fnmatch.fnmatchcase(part, pattern) for part in path.split("/")
    )


@dataclass(frozen=True)
class Selection:
    """One layer of rule selection, as the command line or an editor gives it (ruff's
    model): a layer with `select` starts afresh, one without adjusts what came before."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def decide(self, code: str, enabled: bool, *, exact_only: bool) -> bool:
        if self.select is not None:
            enabled = False
        selectors = (*(self.select or ()), *self.extend_select)
        selected = _longest_match(code, selectors)
        if exact_only and selected < len(code):
            selected = -1
        ignored = _longest_match(code, self.ignore)
        if selected < 0 and ignored < 0:
            return enabled
        # The more specific of select and ignore wins; a tie goes to ignore (as in ruff).
        return selected > ignored


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
    # Command-line or editor selections, applied in order after the ones above.
    overrides: tuple[Selection, ...] = ()

    # -- rule selection ---------------------------------------------------------------
    def is_enabled(self, code: str, *, default_enabled: bool = True) -> bool:
        """Whether `code` runs. A rule that is off by default runs only when its exact
        code is selected (`ALL` or `DJV2` do not turn it on)."""
        layers = (
            Selection(self.select, self.extend_select, self.ignore),
            *self.overrides,
        )
        enabled = False
        for layer in layers:
            enabled = layer.decide(code, enabled, exact_only=not default_enabled)
        return enabled

    def with_selection(
        self,
        select: Iterable[str] | None = None,
        extend_select: Iterable[str] = (),
        ignore: Iterable[str] = (),
    ) -> Config:
        """A copy with one more selection layer on top (command-line flags, editor settings).
        `select` replaces everything chosen before, as `--select` does in ruff."""
        layer = Selection(
            None if select is None else tuple(c.upper() for c in select),
            tuple(c.upper() for c in extend_select),
            tuple(c.upper() for c in ignore),
        )
        return replace(self, overrides=(*self.overrides, layer))

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
        """`path` relative to the root, with `/` separators; absolute when outside it.

        Plain `abspath` first (cheap, and never trips on a symlink loop, which makes
        `Path.resolve` raise), then real paths, for a root reached through a link.
        """
        absolute = os.path.abspath(os.fspath(path))
        if self.root is not None:
            root = os.fspath(self.root)
            # Real paths are computed only when the plain ones do not match: `realpath`
            # stats every component and was most of the cost of a project-wide pass.
            for candidate, base in _path_pairs(absolute, root):
                try:
                    relative = os.path.relpath(candidate, base)
                except ValueError:  # another drive on Windows
                    continue
                if relative != ".." and not relative.startswith(".." + os.sep):
                    return relative.replace(os.sep, "/")
        return Path(absolute).as_posix()

    def with_overrides(self, values: Mapping[str, Any], source: str) -> Config:
        """A copy with validated `values` (pyproject or editor style keys) applied."""
        changes, messages = parse_values(values, source, root=self.root)
        return replace(self, **changes, messages=(*self.messages, *messages))


def _path_pairs(absolute: str, root: str) -> Iterator[tuple[str, str]]:
    yield absolute, os.path.abspath(root)
    yield os.path.realpath(absolute), os.path.realpath(root)


# -- parsing and validation ------------------------------------------------------------
def _codes(
    value: Any, key: str, source: str, messages: list[str]
) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        messages.append(
            f"{source}: `{key}` must be a list of rule codes or prefixes; ignored"
        )
        return None
    good = []
    for item in value:
        if valid_prefix(item):
            good.append(item.strip().upper())
        else:
            messages.append(
                f"{source}: `{key}` has unknown rule code or prefix `{item}` ({prefix_help()})"
            )
    return tuple(good)


def _strings(
    value: Any, key: str, source: str, messages: list[str]
) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        messages.append(f"{source}: `{key}` must be a list of strings; ignored")
        return None
    return tuple(value)


def _per_file_ignores(
    value: Any, source: str, messages: list[str]
) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(value, Mapping):
        messages.append(
            f"{source}: `per-file-ignores` must be a table of glob = [codes]; ignored"
        )
        return None
    result = {}
    for pattern, codes in value.items():
        parsed = _codes(codes, f"per-file-ignores.{pattern}", source, messages)
        if parsed is not None:
            result[str(pattern)] = parsed
    return result


def _severity(
    value: Any, source: str, messages: list[str]
) -> dict[str, Severity] | None:
    if not isinstance(value, Mapping):
        messages.append(
            f"{source}: `severity` must be a table of code = level; ignored"
        )
        return None
    result = {}
    for prefix, level in value.items():
        if not valid_prefix(str(prefix)):
            messages.append(
                f"{source}: `severity` has unknown rule code or prefix `{prefix}`"
            )
            continue
        try:
            result[str(prefix).upper()] = Severity.parse(str(level))
        except ValueError as error:
            messages.append(f"{source}: `severity.{prefix}`: {error}")
    return result


def _settings_modules(
    value: Any, source: str, messages: list[str]
) -> dict[str, tuple[str, ...]] | None:
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
        if parsed is None:
            continue
        bad = [m for m in parsed if not (_MODULE.match(m) or m.endswith(".py"))]
        for module in bad:
            messages.append(
                f"{source}: `settings-modules.{environment}`: `{module}` is neither a dotted "
                'module name like "config.settings.production" nor a path to a .py file'
            )
        result[environment] = tuple(m for m in parsed if m not in bad)
    return result


def _python(
    value: Any, source: str, root: Path | None, messages: list[str]
) -> str | None:
    """An interpreter or virtualenv folder: absolute, relative to the root, or a command
    on PATH. Kept as written; `project/environment.py` resolves it."""
    if not isinstance(value, str) or not value.strip():
        messages.append(
            f"{source}: `python` must be the path of an interpreter; ignored"
        )
        return None
    path = Path(value).expanduser()
    if not path.is_absolute() and root is not None:
        path = root / path
    if not path.exists() and shutil.which(value) is None:
        messages.append(
            f"{source}: `python`: no interpreter or virtualenv at {value}; ignored"
        )
        return None
    return value


def parse_version(value: Any) -> tuple[int, ...] | None:
    match = re.fullmatch(r"\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*", str(value))
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "severity",
    "settings-modules",
    "django-version",
    "python",
}


def parse_values(
    values: Mapping[str, Any], source: str, *, root: Path | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Validate raw configuration values; returns (dataclass changes, messages)."""
    changes: dict[str, Any] = {}
    messages: list[str] = []
    for raw_key, value in values.items():
        key = raw_key.replace("_", "-")
        if key not in _KEYS:
            messages.append(
                f"{source}: unknown key `{raw_key}` (known keys: {', '.join(sorted(_KEYS))})"
            )
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
                messages.append(
                    f'{source}: `django-version` must look like "5.2"; got {value!r}'
                )
        else:  # python
            parsed = _python(value, source, root, messages)
        if parsed is not None:
            changes[key.replace("-", "_")] = parsed
    return changes, messages


_ROOT_MARKERS = ("pyproject.toml", "manage.py", ".git")


def find_project_root(start: Path) -> Path:
    """Where configuration and the project index start, for a file or folder `start`.

    The nearest folder whose pyproject.toml has a `[tool.djvet]` table wins, searching no
    higher than the repository (`.git`) holding `start`. Without one, the nearest folder
    holding pyproject.toml, manage.py or .git; else `start`'s own folder.
    """
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if _has_djvet_table(candidate / "pyproject.toml"):
            return candidate
        if (candidate / ".git").exists():
            break  # never borrow the configuration of an enclosing, unrelated project
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in _ROOT_MARKERS):
            return candidate
    return folder


def _has_djvet_table(path: Path) -> bool:
    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(tool, Mapping) and "djvet" in tool


def load_config(root: Path, pyproject: Path | None = None) -> Config:
    """Read `[tool.djvet]` from `pyproject` (default `root/pyproject.toml`; a missing file
    means defaults).

    Never raises: a broken file or value becomes a message naming it, and defaults (or
    the other, valid keys) are used.
    """
    config = Config(root=root)
    pyproject = pyproject or root / "pyproject.toml"
    if not pyproject.is_file():
        return config
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return replace(
            config, messages=(f"{pyproject}: not valid TOML ({error}); using defaults",)
        )
    tool = data.get("tool", {})
    table = tool.get("djvet", {}) if isinstance(tool, Mapping) else {}
    if not isinstance(table, Mapping):
        return replace(
            config,
            messages=(f"{pyproject}: [tool.djvet] must be a table; using defaults",),
        )
    return config.with_overrides(table, f"{pyproject.name} [tool.djvet]")
