"""Django cache calls and the keys they use, project-wide.

`iter_cache_calls` finds calls on Django cache objects (`cache.set(...)`,
`caches["default"].delete(...)`); `cache_keys(project)` is the project fact that says,
for a cache key, whether anything in the project may invalidate it: a `delete` or
`delete_many` naming it (in a signal handler, a task, any other file), a matching
`delete_pattern`/template delete, a `cache.clear()`, or the key's text used anywhere
else (handed to a helper that deletes it, listed in a constant). Test and migration
modules do not count: clearing the cache between tests invalidates nothing in
production.

Keys are *literal* (`"popular"`, or a module constant holding it) or *templates*
(`f"user:{pk}:feed"` is `user:{}:feed`); anything else is unknown.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from djvet.core.document import parse_shared
from djvet.core.parso_utils import call_arguments, iter_nodes, string_value
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact

# Methods that write an entry, read one, or remove entries.
SETTERS = {"set", "add", "get_or_set", "aset", "aadd", "aget_or_set"}
READERS = {"get", "has_key", "aget", "ahas_key"}
DELETERS = {"delete", "adelete", "incr_version", "decr_version"}
MANY_SETTERS = {"set_many", "aset_many"}
MANY_READERS = {"get_many", "aget_many"}
MANY_DELETERS = {"delete_many", "adelete_many"}
CLEARERS = {"clear", "aclear"}
PATTERN_DELETERS = {"delete_pattern", "keys", "iter_keys"}  # django-redis
_REFRESH_STEMS = {
    "signals",
    "receivers",
    "handlers",
    "tasks",
    "cron",
    "jobs",
    "schedules",
}
_REFRESH_DECORATORS = re.compile(
    r"\b(receiver|task|shared_task|periodic_task|job|actor|on_commit)\b"
)


@dataclass(frozen=True)
class Key:
    kind: str  # "literal" or "template"
    value: str  # the key, or the template with `{}` for each variable part
    name: str | None = None  # the module constant holding a literal key

    def glob(self) -> str:
        return fnmatch.translate(self.value.replace("*", "[*]").replace("{}", "*"))


@dataclass(frozen=True)
class CacheCall:
    node: Any  # the atom_expr of the whole call
    method: str
    args: Any  # the call's argument node (or None)

    def arguments(self) -> tuple[list[Any], dict[str, Any]]:
        return call_arguments(self.args)

    def argument(self, position: int, keyword: str) -> Any | None:
        positional, keywords = self.arguments()
        if keyword in keywords:
            return keywords[keyword]
        plain = [p for p in positional if p.type != "argument"]
        return plain[position] if position < len(plain) else None


# -- finding calls ---------------------------------------------------------------------
@dataclass
class CacheNames:
    direct: set[str] = field(default_factory=set)  # `cache` from django.core.cache
    aliases: set[str] = field(default_factory=set)  # `caches`, used as `caches["x"]`
    module: set[str] = field(default_factory=set)  # `import django.core.cache`

    def __bool__(self) -> bool:
        return bool(self.direct or self.aliases or self.module)


def cache_names(tree: Any) -> CacheNames:
    """Names a module binds to Django cache objects."""
    names = CacheNames()
    for node in tree.iter_imports():
        if node.type == "import_from":
            if ".".join(n.value for n in node.get_from_names()) != "django.core.cache":
                continue
            for original, alias in node._as_name_tuples():
                bound = (alias or original).value
                if original.value == "cache":
                    names.direct.add(bound)
                elif original.value == "caches":
                    names.aliases.add(bound)
        elif node.type == "import_name":
            for dotted, alias in node._dotted_as_names():
                if (
                    ".".join(n.value for n in dotted).startswith("django.core.cache")
                    and alias is None
                ):
                    names.module.add("django")
    if names:
        _assigned_caches(tree, names)
    return names


def _assigned_caches(tree: Any, names: CacheNames) -> None:
    """`redis = caches["redis"]` / `c = cache` anywhere in the module."""
    for stmt in iter_nodes(tree, {"expr_stmt"}):
        children = stmt.children
        if (
            len(children) == 3
            and children[0].type == "name"
            and children[1] == "="
            and _is_cache_object(children[2], names)
        ):
            names.direct.add(children[0].value)


def _is_cache_object(node: Any, names: CacheNames) -> bool:
    if node.type == "name":
        return node.value in names.direct
    if node.type not in ("atom_expr", "power"):
        return False
    children = node.children
    head = children[0]
    if head.type != "name":
        return False
    if (
        head.value in names.aliases
        and len(children) == 2
        and children[1].children[0] == "["
    ):
        return True
    if head.value in names.module:
        dotted = [head.value]
        for trailer in children[1:]:
            if trailer.children[0] != ".":
                return False
            dotted.append(trailer.children[1].value)
        return ".".join(dotted) == "django.core.cache.cache"
    return False


def cache_call(node: Any, names: CacheNames) -> CacheCall | None:
    """`<cache>.method(args)` at the start of `node` (an atom_expr), else None."""
    children = node.children
    if len(children) < 3 or children[0].type != "name":
        return None
    for split in range(1, len(children) - 1):
        method, call = children[split], children[split + 1]
        if (
            method.type != "trailer"
            or method.children[0] != "."
            or call.type != "trailer"
            or call.children[0] != "("
        ):
            continue
        head = children[:split]
        receiver = head[0] if len(head) == 1 else _Receiver(head)
        if receiver is not None and _is_cache_object(receiver, names):
            args = call.children[1] if len(call.children) == 3 else None
            return CacheCall(node, method.children[1].value, args)
        return None
    return None


class _Receiver:
    """A stand-in atom_expr for the part of a chain before the method."""

    type = "atom_expr"

    def __init__(self, children: list[Any]) -> None:
        self.children = children


def iter_cache_calls(tree: Any, names: CacheNames | None = None) -> Iterator[CacheCall]:
    names = cache_names(tree) if names is None else names
    if not names:
        return
    for node in iter_nodes(tree, {"atom_expr", "power"}):
        call = cache_call(node, names)
        if call is not None:
            yield call


# -- keys ------------------------------------------------------------------------------
def module_constants(tree: Any) -> dict[str, str]:
    """Module-level `NAME = "literal"` assignments (the last one wins)."""
    constants: dict[str, str] = {}
    for child in tree.children:
        if child.type != "simple_stmt":
            continue
        stmt = child.children[0]
        if (
            stmt.type == "expr_stmt"
            and len(stmt.children) == 3
            and stmt.children[0].type == "name"
            and stmt.children[1] == "="
        ):
            value = string_value(stmt.children[2])
            if value is not None:
                constants[stmt.children[0].value] = value
            else:
                constants.pop(stmt.children[0].value, None)
    return constants


def key_of(node: Any | None, constants: dict[str, str]) -> Key | None:
    """The key an expression names, or None when it is not knowable."""
    if node is None:
        return None
    value = string_value(node)
    if value is not None:
        return Key("literal", value)
    if node.type == "name" and node.value in constants:
        return Key("literal", constants[node.value], node.value)
    template = _template(node)
    if template is None or not template.replace("{}", ""):
        return None
    return Key("template", template)


_PERCENT = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifrxXeEgGa]")
_FIELD = re.compile(r"\{[^{}]*\}")


def _template(node: Any) -> str | None:
    if node.type == "fstring":
        parts = []
        for child in node.children[1:-1]:
            parts.append(child.value if child.type == "fstring_string" else "{}")
        return "".join(parts)
    if node.type == "term" and len(node.children) == 3 and node.children[1] == "%":
        text = string_value(node.children[0])
        return _PERCENT.sub("{}", text) if text is not None else None
    if node.type == "arith_expr" and all(op == "+" for op in node.children[1::2]):
        parts = []
        for operand in node.children[::2]:
            text = string_value(operand)
            parts.append(text if text is not None else (_template(operand) or "{}"))
        return "".join(parts)
    if node.type in ("atom_expr", "power") and len(node.children) == 3:
        text = string_value(node.children[0])
        trailer = node.children[1]
        if (
            text is not None
            and trailer.children[0] == "."
            and trailer.children[1].value == "format"
        ):
            return _FIELD.sub("{}", text)
    return None


def key_items(node: Any | None, constants: dict[str, str]) -> list[Key] | None:
    """The keys of a `delete_many([...])` / `get_many(...)` list or `set_many({...})`
    dict literal; None when they cannot be read."""
    if node is None or node.type != "atom" or node.children[0] not in ("[", "(", "{"):
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if node.children[0] == "{":
        if (
            inner.type != "dictorsetmaker"
            or len(inner.children) < 3
            or inner.children[1] != ":"
        ):
            return None
        nodes = inner.children[::4]
    else:
        nodes = (
            [c for c in inner.children if c != ","]
            if inner.type == "testlist_comp"
            else [inner]
        )
    keys = [key_of(n, constants) for n in nodes]
    return None if any(k is None for k in keys) else keys  # type: ignore[return-value]


# -- one file --------------------------------------------------------------------------
@dataclass
class SetSite:
    key: Key
    line: int  # 1-based, of the call
    scope: str  # the enclosing function (or module)
    refresher: bool  # a signal handler, task or command: it refreshes the key


@dataclass
class FileKeys:
    sets: list[SetSite] = field(default_factory=list)
    deleted: list[Key] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    dynamic_deletes: int = 0
    clears: bool = False
    # Occurrences of literal keys and constant names that cache calls account for.
    literal_uses: Counter[str] = field(default_factory=Counter)
    name_uses: Counter[str] = field(default_factory=Counter)


def scan_file(path: str, tree: Any, text: str, roles: FileRole) -> FileKeys:
    found = FileKeys()
    names = cache_names(tree)
    if not names:
        return found
    constants = module_constants(tree)
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    file_refreshes = (
        bool(roles & (FileRole.TASKS | FileRole.COMMANDS)) or stem in _REFRESH_STEMS
    )
    connected = set(re.findall(r"\.connect\(\s*(\w+)", text))
    for call in iter_cache_calls(tree, names):
        _record(found, call, constants, file_refreshes, connected)
    for name, value in constants.items():
        if found.name_uses[name]:
            found.literal_uses[value] += 1  # the constant's definition
            found.name_uses[name] += 1
    return found


def _record(
    found: FileKeys,
    call: CacheCall,
    constants: dict[str, str],
    file_refreshes: bool,
    connected: set[str],
) -> None:
    method = call.method
    if method in CLEARERS:
        # `if settings.DEBUG: cache.clear()` (NetBox's startup) clears nothing in production.
        found.clears = found.clears or not _under_debug(call.node)
        return
    if method in PATTERN_DELETERS:
        argument = call.argument(0, "pattern") or call.argument(0, "search")
        pattern = string_value(argument) if argument is not None else None
        if pattern is None:
            found.dynamic_deletes += 1
        else:
            found.patterns.append(pattern)
        return
    if method in DELETERS | MANY_DELETERS:
        first = call.argument(0, "key" if method in DELETERS else "keys")
        keys = (
            [key_of(first, constants)]
            if method in DELETERS
            else key_items(first, constants)
        )
        if keys is None or None in keys:
            found.dynamic_deletes += 1
        else:
            found.deleted.extend(k for k in keys if k is not None)
        return
    keys = _written_or_read(call, constants)
    # Dict keys of `set_many({...})` are not counted as uses (see `_count`), so they are
    # not accounted for either.
    for key in keys if method not in MANY_SETTERS else ():
        if key.kind == "literal":
            found.literal_uses[key.value] += 0 if key.name else 1
            if key.name:
                found.name_uses[key.name] += 1
    if method in SETTERS | MANY_SETTERS:
        function = _enclosing_function(call.node)
        refresher = file_refreshes or _refreshes(function, connected)
        scope = (
            f"{function.name.value}@{function.start_pos[0]}"
            if function is not None
            else "<module>"
        )
        found.sets.extend(
            SetSite(k, call.node.start_pos[0], scope, refresher) for k in keys
        )


def _written_or_read(call: CacheCall, constants: dict[str, str]) -> list[Key]:
    if call.method in SETTERS | READERS:
        key = key_of(call.argument(0, "key"), constants)
        return [key] if key is not None else []
    if call.method in MANY_SETTERS:
        return key_items(call.argument(0, "data"), constants) or []
    if call.method in MANY_READERS:
        return key_items(call.argument(0, "keys"), constants) or []
    return []


def _under_debug(node: Any) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "if_stmt" and "DEBUG" in parent.children[1].get_code():
            return True
        parent = parent.parent
    return False


def _enclosing_function(node: Any) -> Any | None:
    parent = node.parent
    while parent is not None and parent.type not in (
        "funcdef",
        "classdef",
        "file_input",
    ):
        parent = parent.parent
    return parent if parent is not None and parent.type == "funcdef" else None


def _refreshes(function: Any | None, connected: set[str]) -> bool:
    """A signal receiver or scheduled task writes the key when the data changes."""
    while function is not None:
        if function.name.value in connected:
            return True
        node = function.parent if function.parent.type == "async_funcdef" else function
        if node.parent.type == "decorated" and _REFRESH_DECORATORS.search(
            node.parent.children[0].get_code()
        ):
            return True
        function = _enclosing_function(function)
    return False


# -- the project fact ------------------------------------------------------------------
_SCANNED: dict[tuple[str, int], FileKeys] = {}
_SCANNED_LIMIT = 20_000
_SKIPPED = FileRole.TESTS | FileRole.MIGRATIONS
# Only modules importing Django's cache can call it (parsing every module is too slow).
_IMPORTS_CACHE = re.compile(
    r"django\.core\.cache\b|from\s+django\.core\s+import\s+[^\n]*\bcache"
)


@dataclass
class CacheKeyIndex:
    files: dict[str, FileKeys]
    # Occurrences of each literal key (quoted) and key constant (as a word) in every
    # counted module, whatever the context.
    literal_counts: Counter[str] = field(default_factory=Counter)
    name_counts: Counter[str] = field(default_factory=Counter)

    @property
    def cleared(self) -> bool:
        return any(f.clears for f in self.files.values())

    @property
    def dynamic_deletes(self) -> int:
        return sum(f.dynamic_deletes for f in self.files.values())

    def sets(self, key: Key) -> list[tuple[str, SetSite]]:
        return [
            (path, site)
            for path, keys in self.files.items()
            for site in keys.sets
            if site.key.kind == key.kind and site.key.value == key.value
        ]

    def refreshed(self, key: Key) -> bool:
        """Written by a signal handler, task or command, or by two functions."""
        sites = self.sets(key)
        return (
            any(s.refresher for _, s in sites)
            or len({(p, s.scope) for p, s in sites}) > 1
        )

    def invalidated(self, key: Key) -> bool:
        """Whether anything in the project may delete `key` (conservatively: yes when
        djvet cannot tell)."""
        if self.cleared:
            return True
        deleted = [k for f in self.files.values() for k in f.deleted]
        patterns = [p for f in self.files.values() for p in f.patterns]
        templates = [re.compile(k.glob()) for k in deleted if k.kind == "template"]
        if key.kind == "template":
            # A delete djvet cannot read may build exactly these keys.
            if self.dynamic_deletes or any(k.value == key.value for k in deleted):
                return True
            example = key.value.replace("{}", "x")
        else:
            if any(k.value == key.value for k in deleted if k.kind == "literal"):
                return True
            example = key.value
        if any(t.match(example) for t in templates):
            return True
        if any(fnmatch.fnmatchcase(example, p) for p in patterns):
            return True
        return key.kind == "literal" and self.used_elsewhere(key)

    def used_elsewhere(self, key: Key) -> bool:
        """The key's text (or its constant's name) appears outside the cache calls that
        read and write it: maybe handed to something that deletes it."""
        accounted = sum(f.literal_uses[key.value] for f in self.files.values())
        if self.literal_counts[key.value] > accounted:
            return True
        if key.name is None:
            return False
        return self.name_counts[key.name] > sum(
            f.name_uses[key.name] for f in self.files.values()
        )


def _scan(path: str, text: str, roles: FileRole) -> FileKeys:
    key = (path, hash(text))
    found = _SCANNED.get(key)
    if found is None:
        found = scan_file(path, parse_shared(text), text, roles)
        if len(_SCANNED) >= _SCANNED_LIMIT:
            _SCANNED.clear()
        _SCANNED[key] = found
    return found


def build_cache_keys(project: ProjectIndex) -> CacheKeyIndex:
    files: dict[str, FileKeys] = {}
    texts: list[str] = []
    for path in project.python_files():
        text = project.read(path)
        if text is None:
            continue
        roles = project.roles(path, text)
        if roles & _SKIPPED:
            continue
        texts.append(text)
        if _IMPORTS_CACHE.search(text):
            files[path] = _scan(path, text, roles)
    index = CacheKeyIndex(files)
    literals = {
        s.key.value for f in files.values() for s in f.sets if s.key.kind == "literal"
    }
    names = {s.key.name for f in files.values() for s in f.sets if s.key.name}
    if literals:
        index.literal_counts = _count(texts, literals, _quoted)
    if names:
        index.name_counts = _count(texts, names, _word, strings=False)
    return index


def _quoted(alternatives: str) -> re.Pattern[str]:
    return re.compile(r"""(?<![\w"'])[rRuU]?(["'])(""" + alternatives + r")\1")


def _word(alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + alternatives + r")\b")


def _count(
    texts: list[str], values: set[str], pattern: Any, *, strings: bool = True
) -> Counter[str]:
    """How often each value occurs in the texts, with one regex pass per text; a string
    used as a dict key or subscript (`{"bestsellers": ...}`, `context["bestsellers"]`)
    names something else than a cache key."""
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    regex = pattern(alternatives)
    counts: Counter[str] = Counter()
    for text in texts:
        if not any(value in text for value in values):
            continue
        for match in regex.finditer(text):
            if not strings:
                counts[match.group(1)] += 1
                continue
            after = text[match.end() : match.end() + 40].lstrip(" \t")
            if after.startswith(":") and not after.startswith(":="):
                continue
            before = text[max(0, match.start() - 40) : match.start()].rstrip(" \t")
            if after.startswith("]") and before.endswith("["):
                continue
            counts[match.group(match.lastindex or 0)] += 1
    return counts


register_fact("cachekeys", FileRole.PYTHON)


def cache_keys(project: ProjectIndex) -> CacheKeyIndex:
    return project.fact("cachekeys", build_cache_keys)
