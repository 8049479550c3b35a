"""Where the project queries each model field, and which lookup names it registers.

Two project facts, both built from one `ast` scan per Python file (cached by path and
content hash, so an edit re-scans only the edited file):

- `lookup_index(project)`: every `filter()/exclude()/get()/get_or_create()/
  update_or_create()` and `get_object_or_404()` / `get_list_or_404()` keyword (also
  inside `Q(...)`) and `order_by()` string of the
  workspace, outside tests and migrations, resolved through the model graph to the
  field it reads: `Book.objects.filter(author__name="x")` reads `Author.name`.
  Querysets are recognised where the manager is visible: `Model.objects...`,
  `module.Model.objects...`, `get_user_model().objects...`, a variable assigned such a
  chain in the same function, and `self.get_queryset()` / `self.queryset` /
  `self.model.objects` in a class that sets `model =` or `queryset =`. Anything else is
  left out: a lookup djvet cannot attribute is never reported.
- `lookup_vocabulary(project)`: names of custom lookups and transforms — every
  `lookup_name = "..."` of a class and every `register_lookup(...)` in the workspace and
  in the installed apps outside it (`django.contrib.postgres` adds `unaccent`,
  `trigram_similar`, ...), and the Django field class names a project redefines.

Scan results do not depend on the model graph; resolving them does, and is cheap.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial

from djvet.core.model import Span
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.models import ModelGraph, ModelInfo, model_graph
from djvet.project.models import _parse_ast as parse_ast  # blanks broken lines, retries
from djvet.project.modules import dotted_name, in_workspace, resolve_relative

FILTERS = frozenset(
    {
        "filter",
        "exclude",
        "get",
        "get_or_create",
        "update_or_create",
        "aget",
        "aget_or_create",
        "aupdate_or_create",
    }
)
ORDERING = frozenset({"order_by"})
# Methods that keep the queryset's model (custom queryset methods do too, as a rule).
_SINGLE = frozenset(
    {
        "get",
        "first",
        "last",
        "latest",
        "earliest",
        "create",
        "get_or_create",
        "update_or_create",
        "count",
        "exists",
        "aggregate",
        "in_bulk",
        "iterator",
        "union",
        "intersection",
        "difference",
        "raw",
        "dates",
        "datetimes",
    }
)
_MANAGERS_OF_SELF = ("get_queryset", "queryset")
_NOT_LOOKUPS = frozenset({"defaults", "create_defaults"})
_SHORTCUTS = frozenset(
    {"get_object_or_404", "get_list_or_404", "aget_object_or_404", "aget_list_or_404"}
)

Head = tuple[str, ...]  # ("name", "Book", "objects") / ("user", "objects") / ("self",)


@dataclass(frozen=True)
class RawLookup:
    path: str  # "author__name__iexact" (order_by: without its "-")
    span: Span


@dataclass(frozen=True)
class RawSite:
    head: Head
    method: str
    lookups: tuple[RawLookup, ...]
    # every lookup filtered in the same chain (composite indexes)
    together: frozenset[str]


@dataclass
class FileScan:
    path: str
    dotted: str
    # name -> (module, name)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # `import a.b as c`: c -> a.b
    sites: list[RawSite] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)


# -- scanning one file -------------------------------------------------------------------
class _Columns:
    """ast columns are UTF-8 byte offsets; spans are code points."""

    def __init__(self, text: str) -> None:
        self.lines = (
            None
            if text.isascii()
            else [line.encode("utf-8") for line in text.split("\n")]
        )

    def span(self, node: ast.AST) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = (
            node.end_col_offset if node.end_col_offset is not None else node.col_offset
        )
        return Span(
            node.lineno - 1,
            self._column(node.lineno, node.col_offset),
            end_line - 1,
            self._column(end_line, end_col),
        )

    def name_span(self, keyword: ast.keyword) -> Span:
        """The span of a keyword argument's name (`title` of `title="x"`)."""
        column = self._column(keyword.lineno, keyword.col_offset)
        return Span(
            keyword.lineno - 1,
            column,
            keyword.lineno - 1,
            column + len(keyword.arg or ""),
        )

    def _column(self, line: int, offset: int) -> int:
        if self.lines is None or line - 1 >= len(self.lines):
            return offset
        return len(self.lines[line - 1][:offset].decode("utf-8", "replace"))


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


@dataclass
class _Scope:
    node: ast.AST
    parent: _Scope | None
    class_head: Head | None
    assignments: list[ast.Assign] = field(default_factory=list)
    calls: list[ast.Call] = field(default_factory=list)
    variables: dict[str, Head | None] = field(default_factory=dict)
    filtered: dict[str, set[str]] = field(default_factory=dict)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SCOPE_TYPES = frozenset(_SCOPES)


# Per node class, the fields that may hold nodes worth visiting: `ast.iter_child_nodes`
# also yields every `Load()`/`Store()` context (a third of a module's nodes) and looks up
# each field by name on every call. Names and constants hold nothing to visit, and
# annotations no lookup.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {ast.Name: (), ast.Constant: ()}
_NOT_VISITED = frozenset({"ctx", "annotation", "returns", "type_comment"})


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(
            f for f in kind._fields if f not in _NOT_VISITED
        )
    return fields


class _Scanner:
    """One walk of a module's `ast`: imports, then every scope's assignments and calls."""

    def __init__(self, scan: FileScan, text: str) -> None:
        self.scan = scan
        self.columns = _Columns(text)

    def module(self, tree: ast.Module) -> None:
        scopes = [_Scope(tree, None, None)]
        stack: list[tuple[ast.AST, _Scope]] = [
            (child, scopes[0]) for child in ast.iter_child_nodes(tree)
        ]
        push, pop, node_type = stack.append, stack.pop, ast.AST
        # The walk visits every node of every scanned module (half of the lookup index's
        # cost): one dispatch on the exact class, children pushed without a generator.
        while stack:
            node, scope = pop()
            kind = type(node)
            if kind in _SCOPE_TYPES:
                if kind is ast.ClassDef:
                    self.scan.classes.add(node.name)
                    head = _class_head(node)
                else:
                    head = scope.class_head
                scope = _Scope(node, scope, head)
                scopes.append(scope)
            elif kind is ast.Call:
                scope.calls.append(node)
            elif kind is ast.Assign:
                scope.assignments.append(node)
            elif kind is ast.ImportFrom:
                self._import_from(node)
            elif kind is ast.Import:
                self.scan.modules.update(
                    {a.asname: a.name for a in node.names if a.asname}
                )
            for name in _child_fields(kind):
                value = getattr(node, name, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, node_type):
                            push((item, scope))
                elif isinstance(value, node_type):
                    push((value, scope))
        for scope in scopes:  # parents come before their children
            self._variables(scope)
            done: set[int] = set()
            # Outer calls of a chain first: they start where their inner calls start.
            for call in sorted(scope.calls, key=_outer_first):
                if id(call) not in done:
                    self._chain(call, scope, done)

    def _import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            module = resolve_relative(self.scan.path, node.level, module)
        for alias in node.names:
            self.scan.imports[alias.asname or alias.name] = (module, alias.name)

    def _variables(self, scope: _Scope) -> None:
        outer = scope.parent.variables if scope.parent is not None else {}
        if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            outer = _without_params(outer, scope.node)
        scope.variables = dict(outer)
        own: dict[str, Head | None] = {}
        for node in scope.assignments:
            head = self.head(node.value, scope.variables, scope.class_head)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    # A name assigned two different things (or something unknown) is unknown.
                    name = target.id
                    own[name] = head if own.get(name, head) == head else None
                    scope.filtered.setdefault(name, set()).update(
                        _filtered_names(node.value)
                    )
        scope.variables.update(own)

    def head(
        self,
        node: ast.AST,
        variables: dict[str, Head | None],
        class_head: Head | None,
        depth: int = 0,
    ) -> Head | None:
        """The manager a queryset expression starts from, as a graph-free description."""
        if depth > 30:
            return None
        if isinstance(node, ast.Subscript):
            return self.head(node.value, variables, class_head, depth + 1)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr in _MANAGERS_OF_SELF and _is_self(func.value):
                    return class_head
                if func.attr in _SINGLE:
                    return None
                return self.head(func.value, variables, class_head, depth + 1)
            return None
        if isinstance(node, ast.Attribute):
            return self._attribute_head(node, class_head)
        if isinstance(node, ast.Name):
            return variables.get(node.id)
        return None

    @staticmethod
    def _attribute_head(node: ast.Attribute, class_head: Head | None) -> Head | None:
        if node.attr == "queryset" and _is_self(node.value):
            return class_head
        owner = node.value
        if isinstance(owner, ast.Call) and _dotted(owner.func) == "get_user_model":
            return ("user", node.attr)
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr == "model"
            and _is_self(owner.value)
        ):
            return class_head[:2] + (node.attr,) if class_head else None
        dotted = _dotted(owner)
        # `Book.objects`, `models.Book.objects`: a class name (capitalised) and a manager.
        if dotted and dotted.rsplit(".", 1)[-1][:1].isupper():
            return ("name", dotted, node.attr)
        return None

    def _chain(self, node: ast.Call, scope: _Scope, done: set[int]) -> None:
        if (_dotted(node.func) or "").rsplit(".", 1)[-1] in _SHORTCUTS and node.args:
            self._shortcut(node, scope)
            return
        calls = _chain_calls(node)
        done.update(id(call) for call in calls)
        wanted = [c for c in calls if c.func.attr in FILTERS | ORDERING]  # type: ignore[attr-defined]
        if not wanted:
            return
        together = _filtered_names(node)
        root = calls[-1].func.value  # type: ignore[attr-defined]
        if isinstance(root, ast.Name):
            together |= scope.filtered.get(root.id, set())
        for call in wanted:
            head = self.head(call.func.value, scope.variables, scope.class_head)  # type: ignore[attr-defined]
            lookups = tuple(self._lookups(call))
            if head is not None and lookups:
                method = call.func.attr  # type: ignore[attr-defined]
                self.scan.sites.append(
                    RawSite(head, method, lookups, frozenset(together))
                )

    def _shortcut(self, node: ast.Call, scope: _Scope) -> None:
        """`get_object_or_404(Book, slug=slug)`, `get_list_or_404(Book.objects.x(), ...)`."""
        first = node.args[0]
        dotted = _dotted(first)
        if dotted and dotted.rsplit(".", 1)[-1][:1].isupper():
            head: Head | None = ("name", dotted, "_default_manager")
        else:
            head = self.head(first, scope.variables, scope.class_head)
        lookups = [
            RawLookup(k.arg, self.columns.name_span(k)) for k in node.keywords if k.arg
        ]
        for arg in node.args[1:]:
            lookups += [
                RawLookup(k.arg or "", self.columns.name_span(k))
                for k in _q_keywords(arg)
            ]
        if head is not None and lookups:
            together = frozenset(r.path for r in lookups) | _filtered_names(first)
            method = "get" if "object" in (_dotted(node.func) or "") else "filter"
            self.scan.sites.append(RawSite(head, method, tuple(lookups), together))

    def _lookups(self, call: ast.Call):
        method = call.func.attr  # type: ignore[attr-defined]
        if method in ORDERING:
            for arg in call.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    text = arg.value.lstrip("-")
                    if text and text != "?" and "." not in text:
                        yield RawLookup(text, self.columns.span(arg))
            return
        for keyword in call.keywords:
            if keyword.arg and keyword.arg not in _NOT_LOOKUPS:
                yield RawLookup(keyword.arg, self.columns.name_span(keyword))
        for arg in call.args:
            for keyword in _q_keywords(arg):
                yield RawLookup(keyword.arg or "", self.columns.name_span(keyword))


def _outer_first(call: ast.Call) -> tuple[int, int, int, int]:
    return (
        call.lineno,
        call.col_offset,
        -(call.end_lineno or 0),
        -(call.end_col_offset or 0),
    )


def _without_params(
    variables: dict[str, Head | None], function: ast.AST
) -> dict[str, Head | None]:
    args = function.args  # type: ignore[attr-defined]
    names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return {k: v for k, v in variables.items() if k not in names}


def _is_self(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "self"
    # `super().get_queryset()`
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "super"
    )


def _class_head(node: ast.ClassDef) -> Head | None:
    """`model = Book` or `queryset = Book.objects...` of a view class."""
    for stmt in node.body:
        if (
            not isinstance(stmt, ast.Assign)
            or len(stmt.targets) != 1
            or not isinstance(stmt.targets[0], ast.Name)
        ):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if name == "model":
            dotted = _dotted(value)
            if dotted:
                return ("name", dotted, "_default_manager")
        if name == "queryset":
            chain = _chain_calls(value) if isinstance(value, ast.Call) else []
            base = chain[-1].func.value if chain else value  # type: ignore[attr-defined]
            if isinstance(base, ast.Attribute):
                dotted = _dotted(base.value)
                if dotted:
                    return ("name", dotted, base.attr)
    return None


def _chain_calls(node: ast.Call) -> list[ast.Call]:
    """`a.b().c(x).d()` → the method calls from the outermost (`d`) inwards."""
    calls = []
    current: ast.AST = node
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        calls.append(current)
        current = current.func.value
        while isinstance(current, ast.Subscript):
            current = current.value
    return calls


def _filtered_names(node: ast.AST) -> set[str]:
    """The lookups (`author__name`, `status`) the filters of a chain use."""
    names: set[str] = set()
    if isinstance(node, ast.Call):
        for call in _chain_calls(node):
            if call.func.attr in FILTERS:  # type: ignore[attr-defined]
                names |= {k.arg for k in call.keywords if k.arg}
                for arg in call.args:
                    names |= {k.arg for k in _q_keywords(arg) if k.arg}
    return names


def _q_keywords(node: ast.AST) -> list[ast.keyword]:
    """The keyword lookups of `Q(a=1) | ~Q(b=2)` (nested `Q`s included)."""
    if isinstance(node, ast.BinOp):
        return _q_keywords(node.left) + _q_keywords(node.right)
    if isinstance(node, ast.UnaryOp):
        return _q_keywords(node.operand)
    if (
        isinstance(node, ast.Call)
        and (_dotted(node.func) or "").rsplit(".", 1)[-1] == "Q"
    ):
        found = [k for k in node.keywords if k.arg]
        for arg in node.args:
            found += _q_keywords(arg)
        return found
    return []


# A file without one of these holds no lookup: it is not read into `ast` (most files
# are not). `get(` counts only with a keyword, `**` or `Q(` after it: `dict.get("x")`
# is in nearly every module.
_MAY_LOOK_UP = re.compile(
    r"(?:filter|exclude|order_by|_or_create|_or_404)\(|lookup|\ba?get\(\s*(?:\w+\s*=|\*\*|Q\()"
)
_SCANS: OrderedDict[str, tuple[bytes, FileScan]] = OrderedDict()
_SCANS_LIMIT = 8000
_LOCK = threading.Lock()


def scan_file(path: str, text: str) -> FileScan:
    """The graph-free facts of one file, cached by path and content."""
    digest = hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()
    with _LOCK:
        cached = _SCANS.get(path)
        if cached is not None and cached[0] == digest:
            _SCANS.move_to_end(path)
            return cached[1]
    scan = FileScan(path, dotted_name(path))
    if _MAY_LOOK_UP.search(text):
        try:
            _Scanner(scan, text).module(parse_ast(text))
        except (MemoryError, RecursionError):
            scan.sites.clear()
    with _LOCK:
        _SCANS[path] = (digest, scan)
        while len(_SCANS) > _SCANS_LIMIT:
            _SCANS.popitem(last=False)
    return scan


# -- resolving against the model graph ------------------------------------------------------
UNKNOWN_FILTER = "*"  # in `Site.together`: the manager filters on something more


@dataclass(frozen=True)
class Site:
    """One lookup of a field: where, how, and what else the same query filters on."""

    path: str
    span: Span
    method: str
    lookup: str  # what follows the field (`""`, `"in"`, `"icontains"`, `"year__gte"`)
    together: frozenset[str]  # the fields of the same model filtered by the same query


@dataclass
class LookupIndex:
    # (label, field)
    by_field: dict[tuple[str, str], list[Site]] = field(default_factory=dict)

    def sites(self, label: str, name: str) -> list[Site]:
        return self.by_field.get((label, name), [])


def _resolve_head(graph: ModelGraph, scan: FileScan, head: Head) -> ModelInfo | None:
    if head[0] == "user":
        model = graph.get(graph.user_model)
        manager = head[1]
    elif head[0] == "name":
        model = _model_named(graph, scan, head[1])
        manager = head[2]
    else:
        return None
    if model is None:
        return None
    if manager not in model.managers and manager not in (
        "objects",
        "_default_manager",
        "_base_manager",
    ):
        return None
    return model


def _filtering_manager(model: ModelInfo, head: Head) -> bool:
    """A manager whose `get_queryset()` may filter (`Revision.page_revisions`): the query
    filters more than its keywords say."""
    name = head[-1]
    info = (
        model.default_manager
        if name == "_default_manager"
        else model.managers.get(name)
    )
    return info is not None and (not info.known or "get_queryset" in info.methods)


def _model_named(graph: ModelGraph, scan: FileScan, dotted: str) -> ModelInfo | None:
    first, _, rest = dotted.partition(".")
    if not rest:
        if first in scan.imports:
            module, name = scan.imports[first]
            return graph.model_named(module, name)
        if first in scan.classes:
            return graph.model_named(scan.dotted, first)
        return None
    module = scan.modules.get(first)
    if module is None and first in scan.imports:
        module = ".".join(p for p in scan.imports[first] if p)
    if module is None or "." in rest:
        return None
    return graph.model_named(module, rest)


def _field_of(
    graph: ModelGraph, model: ModelInfo, path: str
) -> tuple[str, str, str, str] | None:
    """(model label, field name, rest of the lookup, the relation prefix joined through,
    like "author__") of the column a lookup path reads."""
    parts = path.split("__")
    current = model
    for index, part in enumerate(parts):
        if current.presumed:
            return None
        info = _query_field(current, part)
        if info is None:
            return None
        if info.kind == "field":
            prefix = "".join(f"{p}__" for p in parts[:index])
            return info.model, info.name, "__".join(parts[index + 1 :]), prefix
        if info.target is None or info.kind == "generic_fk":
            return None
        nested = graph.get(info.target)
        following = parts[index + 1] if index + 1 < len(parts) else None
        if (
            nested is None
            or following is None
            or _query_field(nested, following) is None
        ):
            # `author=x`, `author__in=...`: the FK column, indexed by Django
            return None
        current = nested
    return None


def _query_field(model: ModelInfo, name: str):
    for info in model.fields.values():
        if (info.query_name if info.reverse else info.name) == name:
            return info
    return model.query_only.get(name)


def _build_index(project: ProjectIndex) -> LookupIndex:
    graph = model_graph(project)
    index = LookupIndex()
    for path in project.python_files():
        if project.roles(path, "") & (FileRole.TESTS | FileRole.MIGRATIONS):
            continue
        # a file's sites depend on its text and the graph: after an edit elsewhere that
        # left the graph as it was, only the edited file is read again
        sites = project.per_file(
            "lookups.sites", path, partial(_file_sites, graph), depends=graph
        )
        for key, site in sites or ():
            index.by_field.setdefault(key, []).append(site)
    return index


def _file_sites(
    graph: ModelGraph, path: str, text: str
) -> list[tuple[tuple[str, str], Site]]:
    """The field lookups of one file, each with the (model label, field name) it reads."""
    found: list[tuple[tuple[str, str], Site]] = []
    scan = scan_file(path, text)
    for site in scan.sites:
        model = _resolve_head(graph, scan, site.head)
        if model is None:
            continue
        for lookup in site.lookups:
            column = _field_of(graph, model, lookup.path)
            if column is None:
                continue
            label, name, rest, prefix = column
            # `likes__content_type=..., likes__object_id=...`: both on Like.
            together = frozenset(
                p[len(prefix) :].split("__")[0]
                for p in site.together
                if p.startswith(prefix)
            )
            if not prefix and _filtering_manager(model, site.head):
                together |= {UNKNOWN_FILTER}
            found.append(
                ((label, name), Site(path, lookup.span, site.method, rest, together))
            )
    return found


register_fact("lookup_index", FileRole.PYTHON)


def lookup_index(project: ProjectIndex) -> LookupIndex:
    """Every field lookup of the workspace by (model label, field name); rebuilt when a
    Python file changes (unchanged files are not re-read into `ast`)."""
    return project.fact("lookup_index", _build_index)


# -- custom lookups and transforms -----------------------------------------------------------
@dataclass(frozen=True)
class LookupVocabulary:
    names: frozenset[str]  # custom lookup and transform names registered somewhere
    # field classes the workspace defines (a `CharField` of its own)
    redefined: frozenset[str]


def _app_files(project: ProjectIndex, graph: ModelGraph) -> list[str]:
    files: list[str] = []
    for app in graph.apps:
        if app.path is None or in_workspace(project, app.path):
            continue
        for folder, dirs, names in os.walk(app.path):
            dirs[:] = [
                d
                for d in dirs
                if d not in ("tests", "migrations", "locale", "static", "templates")
            ]
            files.extend(os.path.join(folder, n) for n in names if n.endswith(".py"))
    return files


_FIELD_CLASS = re.compile(r"^\s*class\s+(\w+Field)\b", re.M)
# `lookup_name = "near"` (a class attribute or a `register_lookup` keyword), and the
# class of `X.register_lookup(Lower)`: Django's functions are named after their class.
_LOOKUP_NAME = re.compile(r"""\blookup_name\s*=\s*["'](\w+)["']""")
_REGISTERED = re.compile(r"register_lookup\(\s*(?:[\w.]+\.)?(\w+)")


def lookup_names(text: str) -> set[str]:
    """Custom lookup and transform names a module defines or registers."""
    if "lookup" not in text:
        return set()
    return set(_LOOKUP_NAME.findall(text)) | {
        n.lower() for n in _REGISTERED.findall(text)
    }


def _vocabulary_of(path: str, text: str) -> tuple[frozenset[str], frozenset[str]]:
    classes = _FIELD_CLASS.findall(text) if "Field" in text else ()
    return frozenset(lookup_names(text)), frozenset(classes)


def _build_vocabulary(project: ProjectIndex) -> LookupVocabulary:
    names: set[str] = set()
    classes: set[str] = set()
    for path in project.python_files():
        found = project.per_file("lookups.vocabulary", path, _vocabulary_of)
        if found is not None:
            names |= found[0]
            classes |= found[1]
    for path in _app_files(project, model_graph(project)):
        found = project.per_file("lookups.vocabulary", path, _vocabulary_of)
        if found is not None:
            names |= found[0]
    return LookupVocabulary(frozenset(names), frozenset(classes))


register_fact("lookup_vocabulary", FileRole.PYTHON)


def lookup_vocabulary(project: ProjectIndex) -> LookupVocabulary:
    return project.fact("lookup_vocabulary", _build_vocabulary)
