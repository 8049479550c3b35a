"""The model graph: every model of the project and of its installed apps, read statically.

Discovery follows Django: `INSTALLED_APPS` (from the settings analysis) → AppConfig
(`name`, `label`) → `<app>.models` (a module, or every module of a `models/` package).
Apps installed in the interpreter's site-packages (`django.contrib.auth`, ...) are parsed
too, never imported. Without settings, every `models.py` / `models/` package of the
workspace is an app labelled by its folder, so partial projects still work.

For each model the graph knows its fields and their kinds; ForeignKey / OneToOneField /
ManyToManyField targets (a class, `'self'`, `'Model'`, `'app_label.Model'`, `to=`,
`settings.AUTH_USER_MODEL`); reverse accessors (`related_name` with `'+'`,
`%(class)s` and `%(app_label)s`, `default_related_name`, `<model>_set`); abstract bases,
proxies, multi-table inheritance (parent links), through models, generic relations;
managers and querysets (`as_manager()`, `Manager.from_queryset()`), methods and
properties. The rules mirror `ModelBase.__new__` and `Options._get_fields`, and a test
compares the graph with `_meta.get_fields()` of a real Django registry.

Files are read with `ast` (several times faster than parso on large models modules;
half-typed buffers are recovered by blanking the broken statements), once per content:
a process-wide cache is keyed by path and content hash, so a change to one models file
re-parses that file and re-links the graph (~50-100 ms at NetBox's size). parso trees
(`ModelInfo.class_node`, `methods`, `ManagerInfo.methods`) are built lazily, per file,
when first read; they are djvet's own trees, never an editor buffer's.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from djvet.core.document import on_forget, parse_shared, tree_stamp
from djvet.core.model import Span
from djvet.core.parso_utils import (
    call_parts,
    code_of,
    dotted_name,
    string_value,
)
from djvet.core.roles import FileRole
from djvet.core.timing import phase
from djvet.project.environment import (
    ModuleLocator,
    python_environment,
    workspace_roots,
)
from djvet.project.index import ProjectIndex, normalize, register_fact

log = logging.getLogger(__name__)

RelationKind = Literal[
    "fk",
    "o2o",
    "m2m",
    "reverse_fk",
    "reverse_o2o",
    "reverse_m2m",
    "generic_fk",
    "generic_relation",
]
_MANY = frozenset({"m2m", "reverse_fk", "reverse_m2m", "generic_relation"})
_SINGLE = frozenset({"fk", "o2o", "reverse_o2o", "generic_fk"})
_REVERSE = {"fk": "reverse_fk", "o2o": "reverse_o2o", "m2m": "reverse_m2m"}
_PRIVATE = frozenset({"generic_fk", "generic_relation"})


_USER = ("user",)  # the symbol of `get_user_model()` and `settings.AUTH_USER_MODEL`


class Expr(str):
    """The source text of a non-literal option value (`choices=Status.choices`)."""

    __slots__ = ()


# -- public data ------------------------------------------------------------------------
@dataclass
class FieldInfo:
    name: str
    kind: str  # "field", or a RelationKind
    # "app_label.ModelName" of the related model; None for plain/unknown
    target: str | None
    # label of the model holding the attribute (the parent for MTI-inherited)
    model: str
    field_class: str  # "ForeignKey", "CharField", ... ("" for reverse accessors)
    null: bool = False
    attname: str | None = None  # "author_id" for fk/o2o
    # as declared (fk/o2o/m2m), after %(class)s interpolation
    related_name: str | None = None
    related_query_name: str | None = None
    # the name used in lookups (`filter(books__title=...)`)
    query_name: str | None = None
    options: dict[str, object] = field(default_factory=dict)
    path: str | None = None
    span: Span | None = None
    # reverse accessors: the forward field's name on `target`
    remote_field: str | None = None
    # MTI pointer (`*_ptr`, or `parent_link=True`), and its reverse
    parent_link: bool = False
    auto_created: bool = False  # implicit `id` and `*_ptr` fields

    @property
    def is_relation(self) -> bool:
        return self.kind != "field"

    @property
    def many(self) -> bool:
        return self.kind in _MANY

    @property
    def single(self) -> bool:
        return self.kind in _SINGLE

    @property
    def reverse(self) -> bool:
        return self.kind.startswith("reverse_")


@dataclass
class ManagerInfo:
    name: str
    queryset_class: str | None  # "library.models.BookQuerySet"
    methods: dict[str, Any]  # manager and queryset methods (parso funcdefs), by name
    manager_only: set[str]  # defined on the manager class only, not on its queryset
    path: str | None
    # "library.models.BookManager"; None for `Manager()`
    manager_class: str | None = None
    known: bool = True  # False when the manager class could not be read (not installed)
    span: Span | None = None
    # queryset methods the manager does not offer: its `get_queryset()` returns a custom
    # QuerySet that is not copied onto it (`Book.objects.all().published()` only)
    queryset_only: set[str] = field(default_factory=set)


@dataclass
class ModelInfo:
    label: str
    name: str
    app_label: str
    module: str
    path: str
    # parso classdef, parsed on first read
    class_node: Any = field(repr=False, compare=False)
    abstract: bool = False
    proxy: bool = False
    concrete_label: str = ""
    bases: list[str] = field(default_factory=list)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    managers: dict[str, ManagerInfo] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    methods: dict[str, Any] = field(default_factory=dict)
    properties: set[str] = field(default_factory=set)
    parents: list[str] = field(default_factory=list)  # MTI parents (concrete labels)
    # GenericRelation reverses
    query_only: dict[str, FieldInfo] = field(default_factory=dict)
    presumed: bool = False  # a base could not be read: fields may be missing
    # Some class in the MRO has a base djvet cannot read (`taggit.models.TagBase` when
    # taggit is not installed): fields and methods may be missing even if not presumed.
    partial: bool = False

    @property
    def model_name(self) -> str:
        return self.name.lower()

    @property
    def default_manager(self) -> ManagerInfo | None:
        return next(iter(self.managers.values()), None)

    def relations(self) -> list[FieldInfo]:
        return [f for f in self.fields.values() if f.is_relation]


class _LazyClass:
    """Stands for a model's parso classdef until someone reads `ModelInfo.class_node`."""

    __slots__ = ("spec",)

    def __init__(self, spec: _ClassSpec) -> None:
        self.spec = spec


def _read_class_node(info: ModelInfo) -> Any:
    node = info.__dict__.get("_class_node")
    if isinstance(node, _LazyClass):
        node = node.spec.node
        info.__dict__["_class_node"] = node
    return node


def _write_class_node(info: ModelInfo, value: Any) -> None:
    info.__dict__["_class_node"] = value


# The graph is built from `ast`; parso trees are made only for classes someone inspects.
ModelInfo.class_node = property(_read_class_node, _write_class_node)  # type: ignore[assignment]


# -- per-file facts (cached by content) ----------------------------------------------------
# Files are read with the `ast` module (C, ~7x faster than parso on NetBox's models); the
# parso tree of a file is built only when someone asks for a class or method node.
_Position = tuple[int, int]  # parso style: 1-based line, 0-based code-point column


@dataclass(frozen=True)
class _Target:
    kind: str  # "str" (a string literal), "name" (a dotted name), "user", "expr"
    value: str


@dataclass
class _FieldSpec:
    name: str
    kind: str
    field_class: str
    target: _Target | None
    through: _Target | None
    options: dict[str, object]
    span: Span
    callee: str = ""
    to_keyword: bool = False  # the target came from `to=` (not the first positional)


@dataclass
class _ManagerSpec:
    name: str
    form: str  # "call" (X()), "as_manager" (Q.as_manager()), "from_queryset" (M.from_queryset(Q)())
    manager: str | None
    queryset: str | None
    span: Span


@dataclass
class _MetaSpec:
    options: dict[str, object]
    bases: list[str]


@dataclass(eq=False)
class _ClassSpec:
    name: str
    position: _Position
    bases: list[Any]  # dotted strings, or ("from_queryset", manager, queryset)
    meta: _MetaSpec | None = None
    fields: list[_FieldSpec] = field(default_factory=list)
    managers: list[_ManagerSpec] = field(default_factory=list)
    attributes: set[str] = field(default_factory=set)
    methods: dict[str, _Position] = field(default_factory=dict)
    properties: set[str] = field(default_factory=set)
    values: dict[str, object] = field(default_factory=dict)
    returns: list[str] = field(default_factory=list)  # callees `get_queryset()` returns
    facts: _ModuleFacts | None = None

    @property
    def qualified(self) -> str:
        return f"{self.facts.dotted}.{self.name}" if self.facts else self.name

    @property
    def node(self) -> Any:
        return self.facts.node_at(self.position) if self.facts else None


@dataclass(eq=False)
class _ModuleFacts:
    path: str
    dotted: str
    is_package: bool
    text: str | None
    imports: dict[str, str] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    classes: dict[str, _ClassSpec] = field(default_factory=dict)
    aliases: dict[str, Any] = field(default_factory=dict)
    added_fields: list[tuple[str, _FieldSpec]] = field(default_factory=list)
    _tree: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def tree(self) -> Any:
        """The parso tree of the file, parsed on first use."""
        with self._lock:
            if self._tree is None and self.text is not None:
                self._tree = parse_shared(self.text)
            return self._tree

    def node_at(self, position: _Position) -> Any:
        """The classdef or funcdef starting at `position` (its `class`/`def`/`async`)."""
        tree = self.tree
        if tree is None:
            return None
        try:
            leaf = tree.get_leaf_for_position(position)
        except ValueError:
            return None
        node = leaf.parent if leaf is not None else None
        while node is not None and node.type in ("async_funcdef", "async_stmt"):
            node = next(
                (c for c in node.children if c.type in ("funcdef", "classdef")), None
            )
        return (
            node if node is not None and node.type in ("funcdef", "classdef") else None
        )


class _LazyNodes(Mapping[str, Any]):
    """Method name -> parso funcdef, parsing the defining file only when a node is read."""

    def __init__(self, entries: dict[str, tuple[_ModuleFacts, _Position]]) -> None:
        self._entries = entries
        self._nodes: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._nodes:
            facts, position = self._entries[name]
            self._nodes[name] = facts.node_at(position)
        return self._nodes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __repr__(self) -> str:
        return f"_LazyNodes({list(self._entries)})"

    def rebind(self, old: _ModuleFacts, new: _ModuleFacts) -> None:
        """Read the methods `old` defined from `new` (same shape: same positions)."""
        for name, (facts, position) in self._entries.items():
            if facts is old:
                self._entries[name] = (new, position)
                self._nodes.pop(name, None)


class _Source:
    """Positions of `ast` nodes as djvet spans (code-point columns, not UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.ascii = text.isascii()
        self._lines = (
            None if self.ascii else [line.encode("utf-8") for line in text.split("\n")]
        )

    def column(self, line: int, offset: int) -> int:
        if self.ascii or self._lines is None or line - 1 >= len(self._lines):
            return offset
        return len(self._lines[line - 1][:offset].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> Span:
        end_line = node.end_lineno or node.lineno
        end_column = (
            node.end_col_offset if node.end_col_offset is not None else node.col_offset
        )
        return Span(
            node.lineno - 1,
            self.column(node.lineno, node.col_offset),
            end_line - 1,
            self.column(end_line, end_column),
        )

    def position(self, node: ast.AST) -> _Position:
        return node.lineno, self.column(node.lineno, node.col_offset)


def _relation_kind(callee: str) -> tuple[str, str] | None:
    """(kind, field class) for a field call's callee, or None when it is not a field."""
    last = callee.rsplit(".", 1)[-1]
    if last.endswith("GenericForeignKey"):
        return "generic_fk", last
    if last.endswith("GenericRelation"):
        return "generic_relation", last
    if last.startswith("Generic"):
        # netbox's GenericArrayForeignKey and friends: fields, but not Django relations.
        return "field", last
    if last.endswith("ForeignKey") or last in ("ForeignObject", "ParentalKey"):
        return "fk", last
    if last.endswith("OneToOneField"):
        return "o2o", last
    if last.endswith("ManyToManyField") or last == "TaggableManager":
        return "m2m", last
    if last.endswith("Field") or last == "CompositePrimaryKey":
        return "field", last
    return None


def _dotted(node: ast.AST | None) -> str | None:
    """`a.b.c` for a name or attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _string(node: ast.AST) -> str | None:
    return (
        node.value
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        else None
    )


def _value(node: ast.AST) -> object:
    """The literal value of an option, or its source as an `Expr`."""
    try:
        return _literal(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Expr(ast.unparse(node))


def _literal(node: ast.AST) -> object:
    """`ast.literal_eval` of a node, less its complex-number sums. Not the standard one:
    it builds four closures per call, and those reference cycles are garbage only the
    cycle collector frees (thousands per models module read)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [_literal(item) for item in node.elts]
        kind = type(node)
        return (
            tuple(items)
            if kind is ast.Tuple
            else items
            if kind is ast.List
            else set(items)
        )
    if isinstance(node, ast.Dict):
        if None in node.keys:  # `**other`
            raise ValueError("not a literal")
        return {
            _literal(k): _literal(v)
            for k, v in zip(node.keys, node.values, strict=True)
        }
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "set"
        and not node.args
        and not node.keywords
    ):
        return set()
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.UAdd, ast.USub))
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float, complex)
    ):
        value = node.operand.value
        return -value if isinstance(node.op, ast.USub) else +value
    raise ValueError("not a literal")


def _target(node: ast.AST) -> _Target:
    text = _string(node)
    if text is not None:
        return _Target("str", text)
    dotted = _dotted(node)
    if dotted is not None:
        return _Target("user" if dotted.endswith("AUTH_USER_MODEL") else "name", dotted)
    if (
        isinstance(node, ast.Call)
        and (_dotted(node.func) or "").rsplit(".", 1)[-1] == "get_user_model"
    ):
        return _Target("user", "get_user_model()")
    return _Target("expr", ast.unparse(node))


def _field_spec(
    name: str, value: ast.AST, source: _Source, maybe: bool = False
) -> _FieldSpec | None:
    """A field declaration; with `maybe`, any call whose class may turn out to be a field
    when linked (`translation = CurrentTranslation(...)`, a ForeignObject subclass)."""
    callee = _dotted(value.func) if isinstance(value, ast.Call) else None
    kind = _relation_kind(callee) if callee else None
    if kind is None and maybe and callee and callee[:1].isupper() and "." not in callee:
        kind = ("maybe", callee)
    if kind is None:
        return None
    keywords = {k.arg: k.value for k in value.keywords if k.arg}
    # Kept for every field: a custom field class may turn out to be a relation when linked.
    node = keywords.get("to") or (value.args[0] if value.args else None)
    target = (
        _target(node)
        if node is not None and not isinstance(node, ast.Starred)
        else None
    )
    through = _target(keywords["through"]) if "through" in keywords else None
    options = {k: _value(v) for k, v in keywords.items() if k not in ("to", "through")}
    if kind[1] == "CompositePrimaryKey":
        options["primary_key"] = True
    if isinstance(options.get("name"), str):
        name = options["name"]  # `models.IntegerField(name="other")` renames the field
    return _FieldSpec(
        name,
        kind[0],
        kind[1],
        target,
        through,
        options,
        source.span(value),
        callee,
        "to" in keywords,
    )


def _manager_spec(name: str, value: ast.AST, source: _Source) -> _ManagerSpec | None:
    if not isinstance(value, ast.Call):
        return None
    inner = value.func
    # `M.from_queryset(Q)()`
    if (
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == "from_queryset"
    ):
        queryset = _dotted(inner.args[0]) if inner.args else None
        return _ManagerSpec(
            name,
            "from_queryset",
            _dotted(inner.func.value),
            queryset,
            source.span(value),
        )
    callee = _dotted(inner)
    if callee is None or callee.endswith(("Validator", "Widget", "Field", "Form")):
        return None
    if callee.endswith(".as_manager"):
        return _ManagerSpec(
            name, "as_manager", None, callee[: -len(".as_manager")], source.span(value)
        )
    return _ManagerSpec(name, "call", callee, None, source.span(value))


def _base_ref(node: ast.AST) -> Any:
    dotted = _dotted(node)
    if dotted is not None:
        return dotted
    # `models.Manager.from_queryset(BookQuerySet)` as a base class
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "from_queryset"
    ):
        return (
            "from_queryset",
            _dotted(node.func.value),
            _dotted(node.args[0]) if node.args else None,
        )
    # `QuerySet["Book"]`, `Generic[T]`: the subscript does not change the class.
    if isinstance(node, ast.Subscript):
        return _dotted(node.value)
    return None


def _class_spec(node: ast.ClassDef, source: _Source) -> _ClassSpec:
    bases = [ref for ref in map(_base_ref, node.bases) if ref is not None]
    spec = _ClassSpec(node.name, source.position(node), bases)
    for stmt in node.body:
        _class_statement(spec, stmt, source)
    return spec


def _class_statement(spec: _ClassSpec, stmt: ast.stmt, source: _Source) -> None:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        spec.attributes.add(stmt.name)
        spec.methods.setdefault(stmt.name, source.position(stmt))
        decorators = {
            (_dotted(d) or "").rsplit(".", 1)[-1] for d in stmt.decorator_list
        }
        if decorators & {"property", "cached_property"}:
            spec.properties.add(stmt.name)
        if stmt.name == "get_queryset":
            spec.returns = _returned_callees(stmt)
    elif isinstance(stmt, ast.ClassDef):
        spec.attributes.add(stmt.name)
        if stmt.name == "Meta":
            spec.meta = _meta_spec(stmt)
    else:
        for name, value in _assignments(stmt):
            spec.attributes.add(name)
            if value is not None:
                _class_assignment(spec, name, value, source)


def _assignments(stmt: ast.stmt) -> list[tuple[str, ast.AST | None]]:
    """(name, value) pairs of `a = b = value` and `a: T = value` (value None for `a: T`)."""
    if isinstance(stmt, ast.Assign):
        return [(t.id, stmt.value) for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [(stmt.target.id, stmt.value)]
    return []


def _class_assignment(
    spec: _ClassSpec, name: str, value: ast.AST, source: _Source
) -> None:
    field_spec = _field_spec(name, value, source, maybe=True)
    if field_spec is not None:
        spec.fields.append(field_spec)
        if field_spec.kind != "maybe":
            return
    manager = _manager_spec(name, value, source)
    if manager is not None:
        spec.managers.append(manager)
    spec.values[name] = _value(value)


def _meta_spec(node: ast.ClassDef) -> _MetaSpec:
    options: dict[str, object] = {}
    for stmt in node.body:
        for name, value in _assignments(stmt):
            if value is not None:
                options[name] = _value(value)
    return _MetaSpec(options, [b for b in map(_dotted, node.bases) if b is not None])


def _returned_callees(function: ast.AST) -> list[str]:
    callees = []
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            callee = _dotted(node.value.func)
            if callee is not None:
                callees.append(callee)
    return callees


def _top_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module statements, including those inside top-level `if`/`try`/`with` blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _top_statements(stmt.body)
            yield from _top_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            yield from _top_statements(stmt.body)
            for handler in stmt.handlers:
                yield from _top_statements(handler.body)
            yield from _top_statements(stmt.orelse)
            yield from _top_statements(stmt.finalbody)
        elif isinstance(stmt, ast.With):
            yield from _top_statements(stmt.body)
        else:
            yield stmt


def _absolute(module: str, is_package: bool, level: int, target: str) -> str:
    if level == 0:
        return target
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        package = package[: max(0, len(package) - (level - 1))]
    return ".".join([*package, target] if target else package)


def _module_facts(text: str, path: str, dotted: str) -> _ModuleFacts:
    source = _Source(text)
    facts = _ModuleFacts(path, dotted, os.path.basename(path) == "__init__.py", text)
    for stmt in _top_statements(_parse_ast(text).body):
        if isinstance(stmt, ast.ClassDef):
            spec = _class_spec(stmt, source)
            spec.facts = facts
            facts.classes.setdefault(spec.name, spec)
        elif isinstance(stmt, ast.ImportFrom):
            module = _absolute(
                dotted, facts.is_package, stmt.level or 0, stmt.module or ""
            )
            for alias in stmt.names:
                _import(facts, module, alias.name, alias.asname)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                # `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`
                bound = alias.asname or alias.name.split(".")[0]
                facts.imports.setdefault(bound, alias.name if alias.asname else bound)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            for name, value in _assignments(stmt):
                _alias(facts, name, value)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            _add_to_class(facts, stmt.value, source)
    return facts


def _import(facts: _ModuleFacts, module: str, name: str, alias: str | None) -> None:
    if name == "*":
        facts.star_imports.append(module)
    else:
        facts.imports.setdefault(alias or name, f"{module}.{name}" if module else name)


def _alias(facts: _ModuleFacts, name: str, value: ast.AST | None) -> None:
    """`Name = other.Name`, `User = get_user_model()`, `M = Manager.from_queryset(Q)`."""
    if value is None:
        return
    dotted = _dotted(value)
    if dotted is not None:
        facts.aliases.setdefault(name, dotted)
    elif (
        isinstance(value, ast.Call)
        and (_dotted(value.func) or "").rsplit(".", 1)[-1] == "get_user_model"
    ):
        facts.aliases.setdefault(name, _USER)
    elif isinstance(ref := _base_ref(value), tuple):
        facts.aliases.setdefault(name, ref)


def _add_to_class(facts: _ModuleFacts, call: ast.Call, source: _Source) -> None:
    """`User.add_to_class("nickname", models.CharField(...))` at module level."""
    callee = _dotted(call.func) or ""
    if (
        callee.endswith(".add_to_class")
        and len(call.args) == 2
        and (name := _string(call.args[0]))
    ):
        spec = _field_spec(name, call.args[1], source)
        if spec is not None:
            facts.added_fields.append((callee[: -len(".add_to_class")], spec))


def _parse_ast(text: str) -> ast.Module:
    """`ast.parse`, blanking the lines of syntax errors (half-typed buffers) and retrying:
    the statements that do parse still count."""
    lines: list[str] | None = None
    source = text
    for _ in range(40):
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError) as error:
            lineno = getattr(error, "lineno", None)
            if lines is None:
                lines = text.split("\n")
            if not lineno or not _blank(
                lines, lineno - 1, str(getattr(error, "msg", ""))
            ):
                break
            source = "\n".join(lines)
    return ast.Module(body=[], type_ignores=[])


def _blank(lines: list[str], index: int, message: str) -> bool:
    """Blank the statement at `index` (and an indented block after a broken header)."""
    if index >= len(lines):
        index = len(lines) - 1
    while index > 0 and not lines[index].strip():
        index -= 1  # errors at end of input: blame the last non-empty line
    if index < 0 or not lines[index].strip():
        return False
    header = re.search(r"after '?\w+'? (?:statement|definition) on line (\d+)", message)
    if header:
        index = int(header.group(1)) - 1
    indent = len(lines[index]) - len(lines[index].lstrip())
    # `pass` keeps the enclosing block valid (a class whose one field line is broken stays)
    lines[index] = "" if "indent" in message or header else " " * indent + "pass"
    if "indent" in message or header:
        for following in range(index + 1, len(lines)):
            stripped = lines[following].strip()
            if (
                stripped
                and len(lines[following]) - len(lines[following].lstrip()) <= indent
            ):
                break
            lines[following] = ""
    return True


# Process-wide cache: path -> (content digest, dotted name, facts). A file keeps its facts
# (and so its parso nodes) as long as its content and dotted name do not change.
_FILES: OrderedDict[str, tuple[bytes, str, _ModuleFacts]] = OrderedDict()
_FILES_LIMIT = 6000
_FILES_LOCK = threading.Lock()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


def _facts_for(path: str, dotted: str, text: str) -> _ModuleFacts:
    digest = _digest(text)
    with _FILES_LOCK:
        cached = _FILES.get(path)
        if cached is not None and cached[0] == digest and cached[1] == dotted:
            _FILES.move_to_end(path)
            return cached[2]
    facts = _module_facts(text, path, dotted)
    with _FILES_LOCK:
        _FILES[path] = (digest, dotted, facts)
        while len(_FILES) > _FILES_LIMIT:
            _FILES.popitem(last=False)
    return facts


def _forget_facts(texts: set[str], trees: set[int]) -> None:
    """A fix verification's fixed texts: their facts (and parso trees) go now, and so
    do the buffers' facts that graphs keep for those trees."""
    with _FILES_LOCK:
        for path in [p for p, (_, _, f) in _FILES.items() if f.text in texts]:
            _FILES.pop(path)[2]._tree = None  # facts and classes are a cycle
    for graph in list(_GRAPHS):
        for key in trees & graph._light.keys():
            del graph._light[key]


_GRAPHS: weakref.WeakSet[ModelGraph] = weakref.WeakSet()


on_forget(_forget_facts)


def _same_shape(old: _ModuleFacts, new: _ModuleFacts) -> bool:
    """Whether the graph reads the same from two versions of a module: imports, aliases,
    classes with their bases, Meta, fields, managers, methods and every position. Method
    bodies, comments and the text after the last class may differ."""
    return (
        (old.path, old.dotted, old.is_package) == (new.path, new.dotted, new.is_package)
        and old.imports == new.imports
        and old.star_imports == new.star_imports
        and old.aliases == new.aliases
        and old.added_fields == new.added_fields
        and list(old.classes) == list(new.classes)
        and all(
            _spec_key(a) == _spec_key(b)
            for a, b in zip(old.classes.values(), new.classes.values(), strict=True)
        )
    )


def _spec_key(spec: _ClassSpec) -> tuple[Any, ...]:
    return tuple(getattr(spec, name) for name in _SPEC_FIELDS)


_SPEC_FIELDS = tuple(f.name for f in fields(_ClassSpec) if f.name != "facts")


def parse_count() -> int:
    """How many files the process-wide cache holds (for tests and benchmarks)."""
    return len(_FILES)


def _tree_facts(tree: Any, path: str, dotted: str) -> _ModuleFacts:
    """Imports, aliases and class names of a parso tree (an editor buffer), for `resolve()`."""
    facts = _ModuleFacts(
        path, dotted, os.path.basename(path) == "__init__.py", None, _tree=tree
    )
    for stmt in _parso_statements(tree):
        kind = stmt.type
        if kind == "decorated":
            stmt = stmt.children[-1]
            kind = stmt.type
        if kind == "classdef":
            spec = _ClassSpec(stmt.name.value, stmt.start_pos, [])
            spec.facts = facts
            facts.classes.setdefault(spec.name, spec)
        elif kind == "import_from":
            source = ".".join(n.value for n in stmt.get_from_names())
            module = _absolute(dotted, facts.is_package, stmt.level, source)
            if stmt.is_star_import():
                _import(facts, module, "*", None)
            for name, names in zip(
                stmt.get_defined_names(), stmt.get_paths(), strict=False
            ):
                _import(facts, module, names[-1].value, name.value)
        elif kind == "import_name":
            for name, names in zip(
                stmt.get_defined_names(), stmt.get_paths(), strict=False
            ):
                parts = [p.value for p in names]
                aliased = name.value != parts[0] or len(parts) == 1
                facts.imports.setdefault(
                    name.value, ".".join(parts) if aliased else parts[0]
                )
        elif kind == "expr_stmt":
            _parso_alias(facts, stmt)
    return facts


def _parso_statements(node: Any) -> list[Any]:
    result = []
    for child in node.children:
        if child.type == "simple_stmt":
            result.extend(c for c in child.children if c.type != "newline")
        elif child.type in ("if_stmt", "try_stmt", "with_stmt"):
            for block in child.children:
                if block.type in ("suite", "simple_stmt"):
                    result.extend(_parso_statements(block))
        elif child.type not in ("newline", "endmarker"):
            result.append(child)
    return result


def _parso_alias(facts: _ModuleFacts, stmt: Any) -> None:
    children = stmt.children
    if len(children) != 3 or children[1] != "=" or children[0].type != "name":
        return
    value = children[2]
    dotted = dotted_name(value)
    if dotted is not None:
        facts.aliases.setdefault(children[0].value, dotted)
        return
    parts = call_parts(value)
    if parts and parts[0].rsplit(".", 1)[-1] == "get_user_model":
        facts.aliases.setdefault(children[0].value, _USER)


# -- symbols and resolution ----------------------------------------------------------------
@dataclass(frozen=True)
class _Module:
    dotted: str


@dataclass(frozen=True)
class _External:
    name: str  # qualified name in a module djvet does not read (django.db.models) or cannot find
    missing: bool = False


@dataclass(frozen=True)
class _FromQuerySet:
    manager: Any
    queryset: Any


# Modules djvet knows without reading them: the ORM's own classes are the roots of the
# class hierarchy, and parsing django/db/models would cost time for nothing. Of Django,
# only the contrib apps' models (and their abstract bases) and AppConfigs are read.
_EXTERNAL = ("django.db.models", "django.contrib.gis.db.models", "typing")
_DJANGO_READ = ("models", "base_user", "base_session", "apps")
_MODEL_ROOTS = {"django.db.models.Model", "django.db.models.base.Model"}
_MANAGER_ROOTS = {
    "django.db.models.Manager",
    "django.db.models.manager.Manager",
    "django.db.models.manager.BaseManager",
    "django.db.models.BaseManager",
}
_QUERYSET_ROOTS = {"django.db.models.QuerySet", "django.db.models.query.QuerySet"}
_APPCONFIG_ROOTS = {"django.apps.AppConfig", "django.apps.config.AppConfig"}


def _is_external(dotted: str) -> bool:
    """True for modules djvet does not read (their names are known or irrelevant)."""
    if any(dotted == p or dotted.startswith(p + ".") for p in _EXTERNAL):
        return True
    if dotted == "django" or dotted.startswith("django."):
        return (
            not dotted.startswith("django.contrib.")
            or dotted.rsplit(".", 1)[-1] not in _DJANGO_READ
        )
    return False


def _normal(name: str) -> str:
    if name.startswith("django.contrib.gis.db.models"):
        return "django.db.models" + name[len("django.contrib.gis.db.models") :]
    return name


class _Resolver:
    """Resolves names across modules, loading (parsing) modules on demand."""

    def __init__(self, locator: ModuleLocator) -> None:
        self.locator = locator  # holds the project weakly (see ModuleLocator)
        self.modules: dict[str, _ModuleFacts | None] = {}
        self.by_path: dict[str, _ModuleFacts] = {}
        self.deps: dict[str, tuple[Any, ...]] = {}
        self._lookups: dict[tuple[int, str], Any] = {}
        self._kinds: dict[int, tuple[str, bool]] = {}
        self._bases: dict[int, list[Any]] = {}
        self._mros: dict[int, list[_ClassSpec]] = {}
        self.lock = threading.RLock()

    @property
    def project(self) -> ProjectIndex:
        return self.locator.project

    # modules
    def module(self, dotted: str) -> _ModuleFacts | None:
        if dotted in self.modules:
            return self.modules[dotted]
        self.modules[dotted] = None  # guards against import cycles
        if _is_external(dotted):
            return None
        path = self.locator.locate(dotted)
        facts = self.load(path, dotted) if path is not None else None
        self.modules[dotted] = facts
        return facts

    def load(self, path: str, dotted: str | None = None) -> _ModuleFacts | None:
        path = normalize(path)
        if path in self.by_path:
            return self.by_path[path]
        text = self.project.read(path)
        if text is None:
            return None
        dotted = dotted or self.locator.dotted_of(path)
        facts = _facts_for(path, dotted, text)
        self.by_path[path] = facts
        self.modules.setdefault(dotted, facts)
        if self.locator.is_workspace(path):
            self.deps[path] = _freshness(self.project, path)
        return facts

    def forget_missing(self) -> None:
        """After a new import root: modules not found before may be found now."""
        self.modules = {d: m for d, m in self.modules.items() if m is not None}
        self._lookups.clear()

    def exists(self, dotted: str) -> bool:
        return (
            self.locator.locate(dotted) is not None
            or self.locator.package_dir(dotted) is not None
        )

    # names
    def lookup(self, facts: _ModuleFacts, name: str, depth: int = 0) -> Any:
        if depth >= 30:
            return None  # an import cycle, or absurd re-export chains
        if self.by_path.get(facts.path) is not facts:
            # An editor buffer's transient facts: never memoised (their ids get reused).
            return self._lookup(facts, name, depth)
        key = (id(facts), name)
        if key in self._lookups:
            return self._lookups[key]
        self._lookups[key] = None  # cycle guard
        result = self._lookup(facts, name, depth)
        self._lookups[key] = result
        return result

    def _lookup(self, facts: _ModuleFacts, name: str, depth: int) -> Any:
        if name in facts.classes:
            return facts.classes[name]
        if name in facts.aliases:
            alias = facts.aliases[name]
            if alias == _USER:
                return _USER
            if isinstance(alias, tuple):
                return _FromQuerySet(
                    self.resolve(facts, alias[1], depth + 1),
                    self.resolve(facts, alias[2], depth + 1),
                )
            return self.resolve(facts, alias, depth + 1)
        if name in facts.imports:
            return self.symbol(facts.imports[name], depth + 1)
        for star in facts.star_imports:
            if name.startswith("_") or not self.mentions(star, name):
                continue
            module = self.module(star)
            if module is not None:
                found = self.lookup(module, name, depth + 1)
                if found is not None:
                    return found
        if facts.is_package and self.exists(f"{facts.dotted}.{name}"):
            return _Module(f"{facts.dotted}.{name}")
        return None

    def symbol(self, dotted: str, depth: int = 0) -> Any:
        """What an absolute dotted name means: a module, a class, or an external name."""
        module, _, attribute = dotted.rpartition(".")
        if module and not _is_external(module):
            facts = self.module(module)
            if facts is not None:
                found = self.lookup(facts, attribute, depth + 1)
                if found is not None:
                    return found
        if not _is_external(dotted) and self.exists(dotted):
            return _Module(dotted)
        if _is_external(dotted) or (module and _is_external(module)):
            return _External(_normal(dotted))
        return _External(dotted, missing=True)

    def mentions(self, dotted: str, name: str) -> bool:
        """Whether a module's text could define `name` (cheap test before parsing it)."""
        if dotted in self.modules:
            return True
        path = self.locator.locate(dotted)
        if path is None:
            return False
        text = self.project.read(path) or ""
        return name in text or "import *" in text

    def resolve(self, facts: _ModuleFacts, dotted: str | None, depth: int = 0) -> Any:
        """A (dotted) name as seen from module `facts`."""
        if not dotted:
            return None
        head, *rest = dotted.split(".")
        current = self.lookup(facts, head, depth)
        for part in rest:
            current = self._attribute(current, part, depth)
            if current is None:
                return None
        return current

    def _attribute(self, current: Any, part: str, depth: int) -> Any:
        if isinstance(current, _Module):
            return self.symbol(f"{current.dotted}.{part}", depth + 1)
        if isinstance(current, _External):
            return _External(f"{current.name}.{part}", current.missing)
        if isinstance(current, _ClassSpec) and part == "Meta":
            return ("meta", current)
        return None

    # classes
    def bases(self, spec: _ClassSpec) -> list[Any]:
        key = id(spec)
        if key not in self._bases:
            result = []
            for ref in spec.bases:
                if isinstance(ref, tuple):
                    manager = self.resolve(spec.facts, ref[1]) if ref[1] else None
                    queryset = self.resolve(spec.facts, ref[2]) if ref[2] else None
                    result.append(_FromQuerySet(manager, queryset))
                else:
                    result.append(self.resolve(spec.facts, ref))
            self._bases[key] = result
        return self._bases[key]

    def kind(self, spec: _ClassSpec) -> tuple[str, bool]:
        """("model" | "manager" | "queryset" | "appconfig" | "other", presumed)."""
        key = id(spec)
        if key in self._kinds:
            return self._kinds[key]
        self._kinds[key] = ("other", False)  # cycle guard
        result = ("other", False)
        for base, ref in zip(self.bases(spec), spec.bases, strict=False):
            found = self._base_kind(base, ref)
            if found[0] != "other":
                result = found
                break
        self._kinds[key] = result
        return result

    def _base_kind(self, base: Any, ref: Any) -> tuple[str, bool]:
        if isinstance(base, _ClassSpec):
            return self.kind(base)
        if isinstance(base, _FromQuerySet):
            return "manager", False
        if isinstance(base, _External) and not base.missing:
            return _root_kind(base.name), False
        name = (
            base.name
            if isinstance(base, _External)
            else (ref if isinstance(ref, str) else "")
        )
        # Unreadable base (an app that is not installed): guess from where it comes from,
        # quietly. `mptt.models.MPTTModel` is a model; `pydantic.BaseModel` is not.
        last = name.rsplit(".", 1)[-1]
        if (
            isinstance(base, _External)
            and ".models." in f".{name}"
            and last[:1].isupper()
        ):
            return "model", True
        if last.endswith("QuerySet"):
            return "queryset", True
        if last.endswith("Manager"):
            return "manager", True
        return "other", False

    def mro(self, spec: _ClassSpec) -> list[_ClassSpec]:
        """C3 linearisation over the classes djvet can read (external bases left out)."""
        key = id(spec)
        if key not in self._mros:
            self._mros[key] = _c3(spec, self)
        return self._mros[key]


def _has_django_fields(spec: _ClassSpec) -> bool:
    """Declares `models.XField(...)` or relation fields (not pydantic's `Field(...)`)."""
    return any(
        f.callee.startswith("models.") or f.kind not in ("field", "maybe")
        for f in spec.fields
    )


def _root_kind(name: str) -> str:
    if name in _MODEL_ROOTS:
        return "model"
    if name in _MANAGER_ROOTS:
        return "manager"
    if name in _QUERYSET_ROOTS:
        return "queryset"
    if name in _APPCONFIG_ROOTS:
        return "appconfig"
    return "other"


def _c3(spec: _ClassSpec, resolver: _Resolver) -> list[_ClassSpec]:
    parents = [b for b in resolver.bases(spec) if isinstance(b, _ClassSpec)]
    resolver._mros[id(spec)] = [spec]  # cycle guard (`class A(B)`, `class B(A)`)
    sequences = [list(resolver.mro(p)) for p in parents] + [list(parents)]
    result = [spec]
    while True:
        sequences = [s for s in sequences if s]
        if not sequences:
            return result
        for sequence in sequences:
            head = sequence[0]
            if not any(head in s[1:] for s in sequences):
                break
        else:  # inconsistent hierarchy (Python would refuse it): depth-first instead
            for sequence in sequences:
                result.extend(c for c in sequence if c not in result)
            return result
        result.append(head)
        sequences = [s[1:] if s[0] is head else s for s in sequences]


def _freshness(project: ProjectIndex, path: str) -> tuple[Any, ...]:
    if path in project.overlay:
        return ("buffer", _digest(project.overlay[path]))
    key = project.disk_key(path)
    return ("missing",) if key is None else ("disk", *key)


# -- apps -------------------------------------------------------------------------------------
@dataclass
class AppInfo:
    name: str  # the app's package ("django.contrib.auth", "library")
    label: str  # "auth", "library"
    path: str | None  # the package folder
    models_files: list[str]
    default_auto_field: str | None = None


@dataclass
class _SettingsFacts:
    found: bool
    installed_apps: list[str]
    user_model: str
    default_auto_field: str | None
    modules: list[tuple[str, str]]  # (path, dotted) of every settings module


def _read_settings(project: ProjectIndex) -> _SettingsFacts:
    from djvet.project.settings import effective_settings, settings_index

    try:
        index = settings_index(project)
    except Exception:  # a half-typed settings file must not take the model graph down
        log.exception("settings analysis failed")
        return _SettingsFacts(False, [], "auth.User", None, [])
    apps: list[str] = []
    user_models: list[str] = []
    auto_fields: list[str] = []
    found = False
    modules = sorted(
        index.modules.values(), key=lambda m: (m.environment == "test", m.path)
    )
    for module in modules:
        try:
            values = effective_settings(project, module)
        except Exception:  # the literal scan below still finds the apps
            log.exception("settings analysis failed for %s", module.path)
            values = None
        installed = values.value("INSTALLED_APPS") if values is not None else None
        if isinstance(installed, (list, tuple)) and all(
            isinstance(a, str) for a in installed
        ):
            found = True
            apps.extend(a for a in installed if a not in apps)
        literal = _literal_apps(module.tree)
        found = found or bool(literal)
        apps.extend(a for a in literal if a not in apps)
        for name, bucket in (
            ("AUTH_USER_MODEL", user_models),
            ("DEFAULT_AUTO_FIELD", auto_fields),
        ):
            value = (
                values.value(name)
                if values is not None
                else _literal_setting(module.tree, name)
            )
            if isinstance(value, str) and value not in bucket:
                bucket.append(value)
    pairs = [(m.path, m.dotted) for m in index.modules.values()]
    user = user_models[0] if user_models else "auth.User"
    auto = auto_fields[0].rsplit(".", 1)[-1] if auto_fields else None
    return _SettingsFacts(found, apps, user, auto, pairs)


def _literal_apps(tree: Any) -> list[str]:
    """String literals listed in `*_APPS = [...]`, `INSTALLED_APPS += [...]` and
    `INSTALLED_APPS.append(...)` statements, for settings the analysis cannot evaluate."""
    if tree is None:
        return []
    found: list[str] = []
    for stmt in _parso_statements(tree):
        target = (
            stmt.children[0]
            if stmt.type in ("expr_stmt", "atom_expr", "power")
            else None
        )
        if target is None or target.type != "name" or not target.value.endswith("APPS"):
            continue
        for node in _display_strings(stmt.children[1:]):
            if node not in found:
                found.append(node)
    return found


def _literal_setting(tree: Any, name: str) -> str | None:
    """`NAME = "literal"` at module level (when the settings analysis is unavailable)."""
    for stmt in _parso_statements(tree) if tree is not None else []:
        children = stmt.children if stmt.type == "expr_stmt" else []
        if (
            len(children) == 3
            and children[0].type == "name"
            and children[0].value == name
        ):
            value = string_value(children[2])
            if value is not None:
                return value
    return None


def _display_strings(nodes: list[Any]) -> list[str]:
    result: list[str] = []
    stack = list(nodes)
    while stack:
        node = stack.pop(0)
        if node.type == "trailer" and node.children[0] == "(" and _is_mutation(node):
            stack[:0] = node.children[1:-1]
            continue
        if node.type == "trailer" and node.children[0] in ("(", "["):
            continue  # arguments and keys (`env.list("EXTRA_APPS")`, `os.environ["X"]`) are not apps
        value = string_value(node) if node.type in ("string", "strings") else None
        if value is not None:
            if value.replace(".", "").replace("_", "").isalnum():
                result.append(value)
            continue
        stack[:0] = getattr(node, "children", [])
    return result


def _is_mutation(trailer: Any) -> bool:
    previous = trailer.get_previous_sibling()
    return previous is not None and code_of(previous) in (
        ".append",
        ".extend",
        ".insert",
    )


def _config_value(resolver: _Resolver, spec: _ClassSpec, key: str) -> object:
    for cls in resolver.mro(spec):
        if key in cls.values:
            return cls.values[key]
    return None


def _app_config(
    resolver: _Resolver, entry: str
) -> tuple[str, _ClassSpec | None] | None:
    """(app package, AppConfig class) for an INSTALLED_APPS entry; None when not found."""
    if resolver.exists(entry):
        apps_module = resolver.module(f"{entry}.apps")
        return entry, (_default_config(resolver, apps_module) if apps_module else None)
    module, _, name = entry.rpartition(".")
    facts = resolver.module(module) if module else None
    config = resolver.lookup(facts, name) if facts is not None else None
    if not isinstance(config, _ClassSpec):
        return None
    package = _config_value(resolver, config, "name")
    return (package if isinstance(package, str) else module.rpartition(".")[0]), config


def _default_config(resolver: _Resolver, facts: _ModuleFacts) -> _ClassSpec | None:
    """Django's rule: the only AppConfig subclass of apps.py not marked `default = False`,
    else the only one marked `default = True`."""
    candidates = []
    # Imported AppConfig subclasses count too; by convention they are named `*Config`
    # (resolving every import would parse half of the app's dependencies).
    for name in [*facts.classes, *(n for n in facts.imports if n.endswith("Config"))]:
        spec = resolver.lookup(facts, name)
        if (
            isinstance(spec, _ClassSpec)
            and spec not in candidates
            and resolver.kind(spec)[0] == "appconfig"
        ):
            candidates.append(spec)
    eligible = [
        c for c in candidates if _config_value(resolver, c, "default") is not False
    ]
    if len(eligible) == 1:
        return eligible[0]
    marked = [c for c in eligible if _config_value(resolver, c, "default") is True]
    return marked[0] if len(marked) == 1 else None


def _discover_apps(
    resolver: _Resolver, entries: list[str]
) -> tuple[list[AppInfo], list[str]]:
    apps: list[AppInfo] = []
    missing: list[str] = []
    labels: set[str] = set()
    for entry in entries:
        found = _app_config(resolver, entry)
        if found is None and _add_root_for(resolver, entry):
            found = _app_config(resolver, entry)
        if found is None:
            missing.append(entry)
            continue
        name, config = found
        label = _config_value(resolver, config, "label") if config else None
        label = label if isinstance(label, str) else name.rpartition(".")[2]
        auto = _config_value(resolver, config, "default_auto_field") if config else None
        if label in labels:
            continue  # Django refuses duplicate labels; keep the first
        labels.add(label)
        package = resolver.locator.package_dir(name)
        apps.append(
            AppInfo(
                name,
                label,
                package,
                _models_files(resolver, name),
                auto.rsplit(".", 1)[-1] if isinstance(auto, str) else None,
            )
        )
    return apps, missing


def _add_root_for(resolver: _Resolver, entry: str) -> bool:
    """Projects that put `apps/` on `sys.path` in their settings name apps by a short
    path: find the workspace package and import from its parent folder too."""
    package = entry.split(".")[0]
    if not package.isidentifier() or package == "django":
        return False
    suffix = f"{os.sep}{package}{os.sep}__init__.py"
    parents = {
        os.path.dirname(os.path.dirname(p))
        for p in resolver.project.python_files()
        if p.endswith(suffix)
    }
    parents -= set(resolver.locator.roots)
    if not parents:
        return False
    resolver.locator.add_root(min(parents, key=lambda p: (p.count(os.sep), p)))
    resolver.forget_missing()
    return True


def _models_files(resolver: _Resolver, app: str) -> list[str]:
    if _is_external(f"{app}.models"):
        return []  # `django.forms` is an app, and django/forms/models.py holds no models
    path = resolver.locator.locate(f"{app}.models")
    if path is None:
        return []
    if os.path.basename(path) == "__init__.py":
        return resolver.locator.module_files(os.path.dirname(path))
    return [path]


def _workspace_apps(project: ProjectIndex, resolver: _Resolver) -> list[AppInfo]:
    """Every `models.py` / `models/` package of the workspace, labelled by its folder."""
    folders: dict[str, list[str]] = {}
    for path in project.python_files():
        parts = path.split(os.sep)
        if "migrations" in parts:
            continue
        if parts[-1] == "models.py":
            folders.setdefault(os.path.dirname(path), []).append(path)
        elif "models" in parts[:-1]:
            last = max(i for i, part in enumerate(parts[:-1]) if part == "models")
            folders.setdefault(os.sep.join(parts[:last]), []).append(path)
    apps = []
    labels: set[str] = set()
    for folder, files in sorted(folders.items()):
        label = os.path.basename(folder)
        if label in labels or not label.isidentifier():
            continue
        labels.add(label)
        dotted = resolver.locator.dotted_of(os.path.join(folder, "__init__.py"))
        apps.append(AppInfo(dotted or label, label, folder, sorted(files)))
    return apps


# -- linking ------------------------------------------------------------------------------
_Slot = tuple[_FieldSpec, _ModuleFacts]  # a declared field and the module declaring it


@dataclass(eq=False)
class _State:
    """A model class while the graph is linked."""

    spec: _ClassSpec
    label: str
    app_label: str
    abstract: bool
    proxy: bool
    presumed: bool
    meta: dict[str, object]
    registered: bool  # concrete or proxy, in an installed app, not swapped
    swapped: bool = False
    concrete: _State | None = None
    parents: list[_State] = field(default_factory=list)
    slots: tuple[list[_Slot], list[_Slot]] | None = None
    forward: list[FieldInfo] | None = None
    private: list[FieldInfo] = field(default_factory=list)
    model_bases: list[_State] = field(default_factory=list)

    @property
    def model_name(self) -> str:
        return self.spec.name.lower()


class _Builder:
    def __init__(
        self,
        resolver: _Resolver,
        apps: list[AppInfo],
        user_model: str,
        default_auto_field: str | None,
    ) -> None:
        self.resolver = resolver
        self.apps = sorted(apps, key=lambda a: len(a.name), reverse=True)
        self.user_model = user_model
        self.default_auto_field = default_auto_field or "AutoField"
        self.states: dict[int, _State] = {}
        self.labels: dict[str, _State] = {}
        self.by_name: dict[str, list[_State]] = {}
        self.extra: dict[int, list[_Slot]] = {}
        self.no_reverse: set[int] = set()  # symmetrical self-M2Ms, taggit managers
        self._kinds: dict[tuple[int, str], tuple[str, bool]] = {}
        self.mti_private: set[tuple[int, str]] = set()
        self.tree: dict[int, list[FieldInfo]] = {}
        self.query_only: dict[int, list[FieldInfo]] = {}
        self._all: dict[tuple[int, bool], list[FieldInfo]] = {}

    # discovery of model classes
    def collect(self) -> None:
        pending: list[_ClassSpec] = []
        field_owners: list[_ClassSpec] = []
        for app in self.apps:
            for path in app.models_files:
                facts = self.resolver.load(path)
                if facts is None:
                    continue
                pending.extend(facts.classes.values())
                field_owners.extend(
                    c for c in facts.classes.values() if _has_django_fields(c)
                )
                pending.extend(self._imported_classes(facts, app))
                self._added_fields(facts)
        seen: set[int] = set()
        while pending:
            spec = pending.pop()
            if id(spec) in seen:
                continue
            seen.add(id(spec))
            kind, presumed = self.resolver.kind(spec)
            if kind != "model" and spec in field_owners and self._unreadable_base(spec):
                kind, presumed = "model", True
            if kind == "model":
                self._add_state(spec, presumed)
                pending.extend(self.resolver.mro(spec)[1:])
        self._link_states()

    def _imported_classes(self, facts: _ModuleFacts, app: AppInfo) -> list[_ClassSpec]:
        """Models a models module imports from elsewhere in its app (they register too)."""
        found: list[_ClassSpec] = []
        if not self.resolver.locator.is_workspace(facts.path):
            return found
        for name, target in facts.imports.items():
            if (
                name[:1].isupper()
                and target.startswith(app.name + ".")
                and self._may_define_model(target)
            ):
                symbol = self.resolver.lookup(facts, name)
                if isinstance(symbol, _ClassSpec):
                    found.append(symbol)
        return found

    def _may_define_model(self, target: str) -> bool:
        """`from .helpers import Thing`: parse helpers.py only if it defines `class Thing(...Model...)`."""
        module, _, name = target.rpartition(".")
        if module in self.resolver.modules:
            return True
        path = self.resolver.locator.locate(module)
        text = (self.resolver.project.read(path) or "") if path else ""
        match = re.search(rf"^class\s+{re.escape(name)}\s*\(([^)]*)\)", text, re.M)
        return match is not None and "Model" in match.group(1)

    def _added_fields(self, facts: _ModuleFacts) -> None:
        for owner, spec in facts.added_fields:
            symbol = self.resolver.resolve(facts, owner)
            if isinstance(symbol, _ClassSpec):
                self.extra.setdefault(id(symbol), []).append((spec, facts))

    def _unreadable_base(self, spec: _ClassSpec) -> bool:
        return any(
            b is None or (isinstance(b, _External) and b.missing)
            for b in self.resolver.bases(spec)
        )

    def _add_state(self, spec: _ClassSpec, presumed: bool) -> None:
        own = spec.meta.options if spec.meta else {}
        abstract = own.get("abstract") is True
        meta = self._meta(spec)
        meta.pop("abstract", None)
        if abstract:
            meta["abstract"] = True
        declared = meta.get("app_label")
        app_label = (
            declared if isinstance(declared, str) else self._app_of(spec.facts.dotted)
        )
        label = (
            f"{app_label}.{spec.name}"
            if app_label
            else f"{spec.facts.dotted}.{spec.name}"
        )
        # `Meta.apps = Apps(...)`: an isolated registry (tests, migrations), not the project's
        isolated = "apps" in meta
        state = _State(
            spec,
            label,
            app_label or "",
            abstract,
            meta.get("proxy") is True,
            presumed,
            meta,
            registered=bool(app_label) and not abstract and not isolated,
        )
        if state.registered and meta.get("swappable") == "AUTH_USER_MODEL":
            state.swapped = label.lower() != self.user_model.lower()
            state.registered = not state.swapped
        self.states[id(spec)] = state

    def _app_of(self, module: str) -> str | None:
        # longest name first, as Django's get_containing_app_config
        for app in self.apps:
            if module == app.name or module.startswith(app.name + "."):
                return app.label
        return None

    def _meta(self, spec: _ClassSpec, depth: int = 0) -> dict[str, object]:
        """Meta options as Django reads them: the class's own Meta with its Python bases,
        else the Meta of the first abstract model base in the MRO."""
        if depth > 20:
            return {}
        if spec.meta is not None:
            options: dict[str, object] = {}
            for base in spec.meta.bases:
                symbol = self.resolver.resolve(spec.facts, base)
                if isinstance(symbol, tuple) and symbol[0] == "meta":
                    options.update(self._declared_meta(symbol[1], depth + 1))
            options.update(spec.meta.options)
            return options
        for base in self.resolver.mro(spec)[1:]:
            if base.meta is not None and base.meta.options.get("abstract") is True:
                return self._declared_meta(base, depth + 1)
        return {}

    def _declared_meta(self, spec: _ClassSpec, depth: int) -> dict[str, object]:
        options = self._meta(spec, depth)
        # Django resets `abstract` on an abstract model's Meta
        options.pop("abstract", None)
        return options

    def _link_states(self) -> None:
        for state in self.states.values():
            if state.registered:
                self.labels.setdefault(state.label.lower(), state)
                self.by_name.setdefault(state.spec.name, []).append(state)
        for state in self.states.values():
            state.model_bases = [
                self.states[id(b)]
                for b in self.resolver.bases(state.spec)
                if isinstance(b, _ClassSpec) and id(b) in self.states
            ]
        for state in self.states.values():
            state.concrete = self._concrete_of(state, 0)

    def release(self) -> None:
        """Break the links between states (a concrete state is its own `concrete`), so
        a finished build is freed at once, not by the cycle collector."""
        for state in self.states.values():
            state.concrete = None
            state.parents = []
            state.model_bases = []

    def _concrete_of(self, state: _State, depth: int) -> _State:
        if not state.proxy or depth > 20:
            return state
        for base in state.model_bases:
            if not base.abstract:
                return self._concrete_of(base, depth + 1)
        return state

    # fields
    def slots(self, state: _State) -> tuple[list[_Slot], list[_Slot]]:
        """Local (forward, private) declared fields, as `ModelBase.__new__` assembles them."""
        if state.slots is not None:
            return state.slots
        state.slots = ([], [])  # cycle guard
        spec = state.spec
        own = [(f, spec.facts) for f in spec.fields] + self.extra.get(id(spec), [])
        own = [s for s in own if self._field_kind(*s)[0] != "none"]
        local = [s for s in own if s[0].kind not in _PRIVATE]
        private = [s for s in own if s[0].kind in _PRIVATE]
        field_names = {s[0].name for s in own}
        present = set(spec.attributes) | field_names
        inherited: set[str] = set()
        direct = {id(b.spec) for b in state.model_bases}
        parents: list[_State] = []
        for base in self.resolver.mro(spec):
            base_state = self.states.get(id(base))
            if id(base) not in direct or base_state is None:
                inherited |= base.attributes
                if base_state is not None and base_state is not state:
                    inherited |= {s[0].name for s in self.slots(base_state)[0]}
                continue
            base_local, base_private = self.slots(base_state)
            if not base_state.abstract:
                inherited |= {s[0].name for s in base_local}
                parents.append(base_state.concrete or base_state)
            else:
                for slot in base_local:
                    name = slot[0].name
                    if name not in present and name not in inherited:
                        local.append(slot)
                        present.add(name)
                parents.extend(base_state.parents)
            names = {s[0].name for s in private}
            copies = [s for s in base_private if s[0].name not in field_names | names]
            private.extend(copies)
            if not base_state.abstract:
                # Django hides the reverse side of private fields copied to MTI children.
                self.mti_private.update((id(state), s[0].name) for s in copies)
        state.parents = list(dict.fromkeys(parents))
        state.slots = (local, private)
        return state.slots

    def forward(self, state: _State) -> list[FieldInfo]:
        if state.forward is not None:
            return state.forward
        state.forward = []
        local, private = self.slots(state)
        infos = [self._field_info(spec, facts, state) for spec, facts in local]
        if state.registered and not state.proxy:
            infos.extend(self._parent_links(state, infos))
            if not state.parents and not any(
                f.options.get("primary_key") is True for f in infos
            ):
                infos.insert(0, self._implicit(state, "id", "field", None))
            if state.meta.get("order_with_respect_to") and "_order" not in {
                f.name for f in infos
            }:
                order = self._implicit(state, "_order", "field", None)
                order.field_class, order.options = "OrderWrt", {}
                infos.append(order)
        state.forward = infos
        state.private = [
            self._field_info(spec, facts, state) for spec, facts in private
        ]
        return infos

    def _implicit(
        self, state: _State, name: str, kind: str, target: str | None
    ) -> FieldInfo:
        field_class = "OneToOneField" if kind == "o2o" else self._auto_field(state)
        return FieldInfo(
            name=name,
            kind=kind,
            target=target,
            model=state.label,
            field_class=field_class,
            attname=f"{name}_id" if kind == "o2o" else None,
            query_name=name,
            options={"primary_key": True} if kind == "field" else {"parent_link": True},
            path=state.spec.facts.path,
            parent_link=kind == "o2o",
            auto_created=True,
        )

    def _auto_field(self, state: _State) -> str:
        for app in self.apps:
            if app.label == state.app_label and app.default_auto_field:
                return app.default_auto_field
        return self.default_auto_field

    def _parent_links(self, state: _State, infos: list[FieldInfo]) -> list[FieldInfo]:
        links = {
            f.target.lower(): f
            for f in infos
            if f.kind == "o2o" and f.parent_link and f.target
        }
        added = []
        for parent in state.parents:
            explicit = links.get(parent.label.lower())
            if explicit is not None:
                continue
            name = f"{parent.model_name}_ptr"
            if name not in state.spec.attributes:
                added.append(self._implicit(state, name, "o2o", parent.label))
        return added

    def _field_info(
        self, spec: _FieldSpec, facts: _ModuleFacts, owner: _State
    ) -> FieldInfo:
        options = dict(spec.options)
        kind, taggable = self._field_kind(spec, facts)
        target = None
        if spec.through is not None:
            options["through"] = self._target(spec.through, facts, owner) or Expr(
                spec.through.value
            )
        if taggable:
            # django-taggit: `TaggableManager(verbose_name, ..., through=..., to=...)`
            target = (
                self._target(spec.target, facts, owner) if spec.to_keyword else None
            )
            target = (
                target
                or self._tag_target(options.get("through"))
                or self._label("taggit.Tag")
            )
        elif kind in ("fk", "o2o", "m2m", "generic_relation"):
            target = self._target(spec.target, facts, owner)
        related_name = self._interpolate(options.get("related_name"), owner)
        related_query_name = self._interpolate(options.get("related_query_name"), owner)
        info = FieldInfo(
            name=spec.name,
            kind=kind,
            target=target,
            model=owner.label,
            field_class=spec.field_class,
            null=options.get("null") is True,
            attname=f"{spec.name}_id" if kind in ("fk", "o2o") else None,
            related_name=related_name,
            related_query_name=related_query_name,
            query_name=spec.name,
            options=options,
            path=facts.path,
            span=spec.span,
            parent_link=kind == "o2o" and options.get("parent_link") is True,
        )
        if taggable or (kind == "m2m" and self._is_symmetrical(spec, owner)):
            self.no_reverse.add(id(info))
        return info

    def _field_kind(self, spec: _FieldSpec, facts: _ModuleFacts) -> tuple[str, bool]:
        """(kind, is a django-taggit manager), following custom field classes to their
        bases (`class NetBoxTaggableManagerField(TaggableManager)`, `class MyFK(ForeignKey)`)."""
        if spec.kind not in ("field", "maybe") or spec.callee.startswith("models."):
            return spec.kind, "TaggableManager" in spec.field_class
        key = (id(facts), spec.callee)
        if key not in self._kinds:
            # "maybe": a field only if its class derives from one; "field": a relation if so.
            default = ("field", False) if spec.kind == "field" else ("none", False)
            self._kinds[key] = default
            symbol = self.resolver.resolve(facts, spec.callee)
            if isinstance(symbol, _ClassSpec):
                refs = [
                    r
                    for cls in self.resolver.mro(symbol)
                    for r in cls.bases
                    if isinstance(r, str)
                ]
                found = [
                    (k[0], r) for r in refs if (k := _relation_kind(r)) is not None
                ]
                # the nearest relation base wins (`class WithQ(TranslationField)` where
                # `class TranslationField(models.ForeignObject)`), else any field base
                found = [f for f in found if f[0] != "field"] or found
                if found:
                    self._kinds[key] = (found[0][0], "TaggableManager" in found[0][1])
                elif all(
                    isinstance(b, _ClassSpec)
                    for c in self.resolver.mro(symbol)
                    for b in self.resolver.bases(c)
                ):
                    # a readable class that is no field
                    self._kinds[key] = (
                        "none",
                        False,
                    )
        return self._kinds[key]

    def _is_symmetrical(self, spec: _FieldSpec, owner: _State) -> bool:
        declared = spec.options.get("symmetrical")
        to_self = (
            spec.target is not None
            and spec.target.kind == "str"
            and spec.target.value in ("self", owner.spec.name)
        )
        if declared is None:
            return (
                spec.target is not None
                and spec.target.kind == "str"
                and spec.target.value == "self"
            )
        return declared is True and to_self

    def _tag_target(self, through: object) -> str | None:
        state = self.labels.get(str(through).lower())
        if state is None:
            return None
        tag = next((f for f in self.forward(state) if f.name == "tag"), None)
        return tag.target if tag else None

    @staticmethod
    def _interpolate(value: object, owner: _State) -> str | None:
        if not isinstance(value, str):
            return None
        if not owner.registered:
            return value
        try:
            return value % {
                "class": owner.model_name,
                "model_name": owner.model_name,
                "app_label": owner.app_label.lower(),
            }
        except (KeyError, ValueError, TypeError):
            return value

    def _target(
        self, target: _Target | None, facts: _ModuleFacts, owner: _State
    ) -> str | None:
        if target is None or target.kind == "expr":
            return None
        if target.kind == "user":
            return self._label(self.user_model)
        if target.kind == "str":
            if target.value == "self":
                return owner.label
            value = (
                target.value
                if "." in target.value
                else f"{owner.app_label}.{target.value}"
            )
            return self._label(value)
        symbol = self.resolver.resolve(facts, target.value)
        if symbol == _USER:
            return self._label(self.user_model)
        if isinstance(symbol, _ClassSpec):
            state = self.states.get(id(symbol))
            return state.label if state is not None and state.registered else None
        if symbol is None:
            candidates = self.by_name.get(target.value.rsplit(".", 1)[-1], [])
            return candidates[0].label if len(candidates) == 1 else None
        return None

    def _label(self, label: str) -> str | None:
        state = self.labels.get(label.lower())
        return state.label if state is not None else None

    # reverse relations
    def relation_tree(self) -> None:
        for state in self.states.values():
            if not state.registered or state.proxy:
                continue
            for info in [*self.forward(state), *state.private]:
                target = self.labels.get(info.target.lower()) if info.target else None
                if target is None:
                    continue
                key = id(target.concrete or target)
                if info.kind in _REVERSE:
                    reverse = self._reverse(info, state, target)
                    if reverse is not None:
                        self.tree.setdefault(key, []).append(reverse)
                elif (
                    info.kind == "generic_relation"
                    and info.related_query_name
                    and (id(state), info.name) not in self.mti_private
                ):
                    self.query_only.setdefault(key, []).append(
                        FieldInfo(
                            name=info.related_query_name,
                            kind="reverse_fk",
                            target=state.label,
                            model=target.label,
                            field_class="",
                            null=True,
                            query_name=info.related_query_name,
                            remote_field=info.name,
                        )
                    )

    def _reverse(
        self, info: FieldInfo, state: _State, target: _State
    ) -> FieldInfo | None:
        if id(info) in self.no_reverse:
            return None
        related_name = info.related_name or self._interpolate(
            state.meta.get("default_related_name"), state
        )
        if related_name and related_name.endswith("+"):
            return None
        accessor = related_name or state.model_name + (
            "" if info.kind == "o2o" else "_set"
        )
        return FieldInfo(
            name=accessor,
            kind=_REVERSE[info.kind],
            target=state.label,
            model=target.label,
            field_class="",
            null=True,
            query_name=info.related_query_name or related_name or state.model_name,
            remote_field=info.name,
            parent_link=info.parent_link,
        )

    def all_fields(self, state: _State, topmost: bool = True) -> list[FieldInfo]:
        """`Options._get_fields()`: parents' fields, reverse relations, local, private."""
        key = (id(state), topmost)
        if key in self._all:
            return self._all[key]
        self._all[key] = []  # cycle guard
        self.forward(state)  # links the parents too
        result: list[FieldInfo] = []
        seen: set[int] = set()
        concrete = state.concrete or state
        for parent in state.parents:
            for info in self.all_fields(parent, topmost=False):
                if (
                    info.parent_link
                    and info.reverse
                    and self._label_state(info.model) is not concrete
                ):
                    continue
                if id(info) not in seen:
                    seen.add(id(info))
                    result.append(info)
        if not state.proxy:
            result.extend(self.tree.get(id(state), []))
        result.extend(self.forward(state))
        if topmost:
            result.extend(state.private)
        self._all[key] = result
        return result

    def _label_state(self, label: str) -> _State | None:
        state = self.labels.get(label.lower())
        return state.concrete if state is not None else None

    # managers, methods, model infos
    def model_info(self, state: _State) -> ModelInfo:
        spec = state.spec
        fields: dict[str, FieldInfo] = {}
        for info in self.all_fields(state):
            fields[info.name] = info
        concrete = state.concrete or state
        query_only = {
            f.name: f
            for p in [concrete, *concrete.parents]
            for f in self.query_only.get(id(p), [])
        }
        methods, properties = self._methods(spec)
        meta = dict(state.meta)
        if "ordering" not in meta and state.parents and not state.proxy:
            inherited = state.parents[0].meta.get("ordering")
            if inherited is not None:
                meta["ordering"] = inherited
        return ModelInfo(
            label=state.label,
            name=spec.name,
            app_label=state.app_label,
            module=spec.facts.dotted,
            path=spec.facts.path,
            class_node=_LazyClass(spec),
            abstract=state.abstract,
            proxy=state.proxy,
            concrete_label=concrete.label,
            bases=[b.label for b in state.model_bases],
            fields=fields,
            managers=self._managers(state),
            meta=meta,
            methods=methods,
            properties=properties,
            parents=[p.label for p in state.parents],
            query_only=query_only,
            presumed=state.presumed,
            partial=state.presumed
            or any(self._unreadable_base(c) for c in self.resolver.mro(spec)),
        )

    def _methods(self, spec: _ClassSpec) -> tuple[Mapping[str, Any], set[str]]:
        methods: dict[str, tuple[_ModuleFacts, _Position]] = {}
        properties: set[str] = set()
        for cls in self.resolver.mro(spec):
            for name, position in cls.methods.items():
                if name not in methods:
                    methods[name] = (cls.facts, position)
                    if name in cls.properties:
                        properties.add(name)
        return _LazyNodes(methods), properties

    def _managers(self, state: _State) -> dict[str, ManagerInfo]:
        managers: dict[str, ManagerInfo] = {}
        for cls in self.resolver.mro(state.spec):
            if id(cls) not in self.states:
                continue  # only model classes contribute managers, as in Django
            for manager in cls.managers:
                if manager.name not in managers:
                    info = self._manager_info(manager, cls.facts)
                    if info is not None:
                        managers[manager.name] = info
        if not managers and not state.abstract:
            managers["objects"] = ManagerInfo("objects", None, {}, set(), None)
        preferred = state.meta.get("default_manager_name")
        if isinstance(preferred, str) and preferred in managers:
            managers = {preferred: managers[preferred], **managers}
        return managers

    def _manager_info(
        self, manager: _ManagerSpec, facts: _ModuleFacts
    ) -> ManagerInfo | None:
        span = manager.span
        if manager.form == "as_manager":
            queryset = self.resolver.resolve(facts, manager.queryset)
            return self._compose(manager.name, None, queryset, facts.path, span)
        if manager.form == "from_queryset":
            base = self.resolver.resolve(facts, manager.manager)
            queryset = self.resolver.resolve(facts, manager.queryset)
            return self._compose(manager.name, base, queryset, facts.path, span)
        symbol = self.resolver.resolve(facts, manager.manager)
        if isinstance(symbol, _FromQuerySet):
            return self._compose(
                manager.name, symbol.manager, symbol.queryset, facts.path, span
            )
        if isinstance(symbol, _External) and not symbol.missing:
            if _root_kind(symbol.name) != "manager":
                return None
            return ManagerInfo(manager.name, None, {}, set(), facts.path, span=span)
        if isinstance(symbol, _ClassSpec):
            if self.resolver.kind(symbol)[0] != "manager":
                return None
            queryset, copied = self._manager_queryset(symbol)
            return self._compose(
                manager.name, symbol, queryset, facts.path, span, copied
            )
        if (manager.manager or "").endswith("Manager") and not manager.manager.endswith(
            "TaggableManager"
        ):
            return ManagerInfo(
                manager.name, None, {}, set(), facts.path, manager.manager, False, span
            )
        return None

    def _manager_queryset(self, spec: _ClassSpec) -> tuple[Any, bool]:
        """(queryset class, its methods are copied onto the manager) of a manager class: a
        `from_queryset()` base (copied), or what its `get_queryset()` returns
        (`return BookQuerySet(self.model, using=self._db)`: not copied)."""
        for cls in self.resolver.mro(spec):
            for base in self.resolver.bases(cls):
                if isinstance(base, _FromQuerySet):
                    return base.queryset, True
            if "get_queryset" in cls.methods:
                for callee in cls.returns:
                    symbol = self.resolver.resolve(cls.facts, callee)
                    if (
                        isinstance(symbol, _ClassSpec)
                        and self.resolver.kind(symbol)[0] == "queryset"
                    ):
                        return symbol, False
        return None, True

    def _compose(
        self,
        name: str,
        manager: Any,
        queryset: Any,
        path: str,
        span: Span,
        copied: bool = True,
    ) -> ManagerInfo:
        queryset_methods = self._class_methods(queryset, public=True)
        manager_methods = self._class_methods(manager, public=False)
        methods = {**queryset_methods, **manager_methods}
        return ManagerInfo(
            name=name,
            queryset_class=queryset.qualified
            if isinstance(queryset, _ClassSpec)
            else None,
            methods=_LazyNodes(methods),
            manager_only=set(manager_methods) - set(queryset_methods),
            path=path,
            manager_class=manager.qualified
            if isinstance(manager, _ClassSpec)
            else None,
            known=not (isinstance(manager, _External) and manager.missing),
            span=span,
            queryset_only=set()
            if copied
            else set(queryset_methods) - set(manager_methods),
        )

    def _class_methods(
        self, spec: Any, public: bool
    ) -> dict[str, tuple[_ModuleFacts, _Position]]:
        """Methods of a manager or queryset class and its readable bases. A queryset's
        private methods are not copied onto managers; a manager keeps its own."""
        if not isinstance(spec, _ClassSpec):
            return {}
        methods: dict[str, tuple[_ModuleFacts, _Position]] = {}
        for cls in self.resolver.mro(spec):
            for name, position in cls.methods.items():
                if name.startswith("__") or (public and name.startswith("_")):
                    continue
                methods.setdefault(name, (cls.facts, position))
        return methods


# -- the graph ---------------------------------------------------------------------------
class ModelGraph:
    """Every model djvet knows, by label, with the names they go by in each module."""

    def __init__(
        self,
        resolver: _Resolver,
        models: dict[str, ModelInfo],
        apps: list[AppInfo],
        user_model: str,
        warnings: list[str],
        swapped: dict[str, str],
    ) -> None:
        self.models = models
        self.apps = apps
        self.user_model = user_model
        self.warnings = warnings
        self.swapped = swapped  # label -> the setting that swaps it out ("auth.User")
        self.build_seconds = 0.0
        self._resolver = resolver
        self._lower = {
            label.lower(): info for label, info in models.items() if not info.abstract
        }
        for label, info in models.items():
            self._lower.setdefault(label.lower(), info)
        self._by_class = {(info.path, info.name): info for info in models.values()}
        self._by_path: dict[str, list[ModelInfo]] = {}
        for info in models.values():
            self._by_path.setdefault(info.path, []).append(info)
        self._light: OrderedDict[int, tuple[Any, tuple[int, int], _ModuleFacts]] = (
            OrderedDict()
        )
        _GRAPHS.add(self)

    @property
    def dependencies(self) -> dict[str, tuple[Any, ...]]:
        return self._resolver.deps

    def get(self, label: str) -> ModelInfo | None:
        return self._lower.get(label.lower()) if label else None

    def field(self, label: str, attribute: str) -> FieldInfo | None:
        model = self.get(label)
        return model.fields.get(attribute) if model is not None else None

    def user_model_label(self) -> str | None:
        model = self.get(self.user_model)
        return model.label if model is not None else None

    def concrete_models(self) -> list[ModelInfo]:
        return [m for m in self.models.values() if not m.abstract]

    def models_in(self, path: str) -> list[ModelInfo]:
        return list(self._by_path.get(normalize(path), []))

    def model_named(self, module: str, class_name: str) -> ModelInfo | None:
        """A model class defined in, or re-exported by, the module `module`."""
        with self._resolver.lock:
            facts = self._resolver.module(module)
            symbol = (
                self._resolver.lookup(facts, class_name) if facts is not None else None
            )
        return self._model_of(symbol)

    def resolve(self, path: str, tree: Any, name: str) -> ModelInfo | None:
        """The model a (dotted) name means in the file at `path`, whose parso module is `tree`."""
        if not name:
            return None
        with self._resolver.lock:
            facts = self._light_facts(normalize(path), tree)
            symbol = self._resolver.resolve(facts, name)
        return self._model_of(symbol)

    def _model_of(self, symbol: Any) -> ModelInfo | None:
        if symbol == _USER:
            return self.get(self.user_model)
        if isinstance(symbol, _ClassSpec) and symbol.facts is not None:
            return self._by_class.get((symbol.facts.path, symbol.name))
        return None

    def _light_facts(self, path: str, tree: Any) -> _ModuleFacts:
        stamp = tree_stamp(tree)  # an open buffer's tree changes in place
        cached = self._light.get(id(tree))
        if cached is not None and cached[0] is tree and cached[1] == stamp:
            return cached[2]
        dotted = self._resolver.locator.dotted_of(path)
        facts = _tree_facts(tree, path, dotted)
        self._light[id(tree)] = (tree, stamp, facts)
        while len(self._light) > 32:
            self._light.popitem(last=False)
        return facts

    def queryset_class_methods(self, label: str) -> dict[str, Any]:
        """Methods of the default manager's queryset class (empty when it has none)."""
        model = self.get(label)
        manager = model.default_manager if model is not None else None
        if manager is None or manager.queryset_class is None:
            return {}
        return {
            n: f for n, f in manager.methods.items() if n not in manager.manager_only
        }

    def fresh(self, project: ProjectIndex) -> bool:
        """True when the graph still describes the project: no file it was built from
        has changed since, or only in ways the graph does not read (a method body, a
        comment, text after the last class: `_same_shape`). Those files are re-bound to
        their new text, so nodes read lazily from now on come from it."""
        with self._resolver.lock:
            resolver = self._resolver
            changed = [
                (path, freshness)
                for path, key in resolver.deps.items()
                if (freshness := _freshness(project, path)) != key
            ]
            rebinds = []
            for path, freshness in changed:
                old = resolver.by_path.get(path)
                text = project.read(path)
                if old is None or text is None:
                    return False
                new = _facts_for(path, old.dotted, text)
                if not _same_shape(old, new):
                    return False
                rebinds.append((old, new, freshness))
            for old, new, freshness in rebinds:
                self._rebind(old, new)
                resolver.deps[old.path] = freshness
            return True

    def _rebind(self, old: _ModuleFacts, new: _ModuleFacts) -> None:
        """Point everything read from `old` at `new`, a module of the same shape."""
        resolver = self._resolver
        resolver.by_path[old.path] = new
        for dotted, facts in resolver.modules.items():
            if facts is old:
                resolver.modules[dotted] = new
        # Memos keyed by the ids of `old` and its classes go: once they are freed, a new
        # object may get the same id. Other entries stay (their values may hold `old`'s
        # classes, which keeps those alive; they are only ever mapped to a model by path
        # and name, which `_same_shape` kept).
        gone = {id(spec) for spec in old.classes.values()}
        for key in [k for k in resolver._lookups if k[0] == id(old)]:
            del resolver._lookups[key]
        for memo in (resolver._kinds, resolver._bases, resolver._mros):
            for key in gone & memo.keys():
                del memo[key]
        for info in self.models.values():
            if info.path == old.path:
                spec = new.classes.get(info.name)
                info.__dict__["_class_node"] = _LazyClass(spec) if spec else None
            lazies = [info.methods, *(m.methods for m in info.managers.values())]
            for nodes in lazies:
                if isinstance(nodes, _LazyNodes):
                    nodes.rebind(old, new)

    def survives(self, project: ProjectIndex, path: str) -> bool:
        """Whether `fresh` can tell if a change to `path` matters (it was read).
        No lock: see `_GraphFact.survives`."""
        return normalize(path) in self._resolver.deps


def build_model_graph(project: ProjectIndex) -> ModelGraph:
    started = time.perf_counter()
    settings = _read_settings(project)
    environment = python_environment(project)
    roots = workspace_roots(project, settings.modules)
    locator = ModuleLocator(weakref.ref(project), roots, list(environment.paths))
    resolver = _Resolver(locator)
    warnings: list[str] = []
    if settings.found:
        apps, missing = _discover_apps(resolver, settings.installed_apps)
        if missing:
            where = environment.executable or "the interpreter"
            warnings.append(
                f"INSTALLED_APPS: {len(missing)} app(s) not found in the workspace or in the "
                f"site-packages of {where}: {', '.join(missing)}; relations to their models are unknown"
            )
    else:
        apps = _workspace_apps(project, resolver)
        contrib, _ = _discover_apps(
            resolver, ["django.contrib.contenttypes", "django.contrib.auth"]
        )
        apps.extend(a for a in contrib if a.label not in {b.label for b in apps})
    builder = _Builder(resolver, apps, settings.user_model, settings.default_auto_field)
    builder.collect()
    builder.relation_tree()
    models: dict[str, ModelInfo] = {}
    swapped: dict[str, str] = {}
    for state in builder.states.values():
        if state.swapped:
            swapped[state.label] = "AUTH_USER_MODEL"
        elif state.registered:
            models.setdefault(state.label, builder.model_info(state))
    for state in builder.states.values():
        if state.abstract and state.label not in models:
            models[state.label] = builder.model_info(state)
    builder.release()
    unresolved = _unresolved(models)
    if unresolved:
        log.info("model graph: %d relation target(s) unresolved", len(unresolved))
    for message in warnings:
        project.warn(message)
    graph = ModelGraph(resolver, models, apps, settings.user_model, warnings, swapped)
    graph.build_seconds = time.perf_counter() - started
    return graph


def _unresolved(models: dict[str, ModelInfo]) -> list[FieldInfo]:
    return [
        f
        for m in models.values()
        if not m.abstract
        for f in m.fields.values()
        if f.kind in ("fk", "o2o", "m2m", "generic_relation")
        and f.target is None
        and f.model == m.label
    ]


def unresolved_relations(graph: ModelGraph) -> list[FieldInfo]:
    """Forward relations whose target model is unknown (apps not installed, dynamic targets)."""
    return _unresolved(graph.models)


class _GraphFact:
    """The project fact: one graph per project object (forks share the fact, not the graph).

    The index drops this fact when a settings file or a models file the graph did not
    read changes. Files it did read (models modules, apps.py, a querysets module) are
    checked on access: unchanged, or changed without moving any class, field or manager,
    keep the graph (typing in a method body of a 1,000-line models module must not
    rebuild NetBox's graph on every keystroke).
    """

    def __init__(self, project: ProjectIndex) -> None:
        self._graphs: weakref.WeakKeyDictionary[
            ProjectIndex, tuple[int, ModelGraph]
        ] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def graph(self, project: ProjectIndex) -> ModelGraph:
        with self._lock:
            entry = self._graphs.get(project)
            generation = project.generation
            if entry is not None and (
                entry[0] == generation or entry[1].fresh(project)
            ):
                self._graphs[project] = (generation, entry[1])
                return entry[1]
            with phase("project facts"):
                graph = build_model_graph(project)
            self._graphs[project] = (generation, graph)
            return graph

    def survives(self, project: ProjectIndex, path: str, roles: FileRole) -> bool:
        """Kept through a change of a models module the graph was built from: `graph()`
        re-binds it when the change leaves every class, field and manager where it was
        (typing in a method body), and rebuilds it otherwise. Settings changes, and
        files the graph never read (a new models module), drop it.

        Called by `ProjectIndex.file_changed` under the project's lock: taking this
        fact's lock here would invert the order `graph()` takes them in."""
        entry = self._graphs.get(project)
        return (
            entry is not None
            and not roles & FileRole.SETTINGS
            and entry[1].survives(project, path)
        )


register_fact("models", FileRole.MODELS | FileRole.SETTINGS)


def model_graph(project: ProjectIndex) -> ModelGraph:
    """The project's model graph, built on first use and rebuilt when its inputs change."""
    return project.fact("models", _GraphFact).graph(project)
