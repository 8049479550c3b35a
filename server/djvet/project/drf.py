"""Django REST framework, read statically: which relations a serializer reads for every
object it serializes, and which queryset a view hands it (N1-NOTES 4.3, "DRF pass").

- Classes are followed through workspace modules (`ClassRef`); a base outside the
  workspace is its dotted name (`rest_framework.serializers.ModelSerializer`).
- `SerializerReads.reads()` lists the relation paths a serializer reads per object
  (`Read`): nested serializers (`many=True` or not), dotted `source=`, the related
  fields (a primary key or a `pk` hyperlink of a forward FK needs no query), method
  fields and model properties (through the loop scanner of `nplusone`), `Meta.depth`,
  serializer inheritance. Anything it cannot read (a third-party field, dynamic
  `fields`) reads nothing: unknown means no finding.
- `view_uses()` pairs a DRF view's queryset (`get_queryset()` override, inherited or
  not, `queryset =`) with its serializer classes (`serializer_class`,
  `get_serializer_class()`), and says whether the view lists rows.
- `override_queryset()` evaluates a `get_queryset()` override whose chain starts at
  `super().get_queryset(...)` or `self.queryset` (also used for the admin).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from parso.tree import search_ancestor

from djvet.core.model import Span
from djvet.core.parso_utils import (
    call_arguments,
    call_parts,
    code_of,
    dotted_name,
    list_items,
    literal_value,
    string_value,
)
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.models import model_graph
from djvet.project.modules import (
    imported_module,
    imported_symbol,
    module_map,
    top_level_class,
    tree_of,
)
from djvet.project.nplusone import (
    BYPASSED,
    PREFETCH,
    SELECT,
    Access,
    Analysis,
    _Scanner,
)
from djvet.project.qsfix import kinds, loaded
from djvet.project.querysets import (
    Evaluator,
    Instance,
    Loop,
    ModelClass,
    Origin,
    QuerySetValue,
)

DRF = "rest_framework."
SERIALIZERS = {
    "BaseSerializer",
    "Serializer",
    "ModelSerializer",
    "HyperlinkedModelSerializer",
}
MODEL_SERIALIZERS = {"ModelSerializer", "HyperlinkedModelSerializer"}
LISTING = {
    "ListModelMixin",
    "ListAPIView",
    "ListCreateAPIView",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
}
GENERIC_VIEWS = LISTING | {
    "GenericAPIView",
    "GenericViewSet",
    "RetrieveAPIView",
    "CreateAPIView",
    "UpdateAPIView",
    "DestroyAPIView",
    "RetrieveUpdateAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateDestroyAPIView",
}
PK_FIELDS = {"PrimaryKeyRelatedField", "HyperlinkedRelatedField"}
RELATED_FIELDS = PK_FIELDS | {
    "SlugRelatedField",
    "StringRelatedField",
    "RelatedField",
    "ManyRelatedField",
}
NO_READ_FIELDS = {"HyperlinkedIdentityField", "HiddenField", "SerializerMethodField"}
# Keyword arguments of a nested serializer that do not change what it reads.
PLAIN_KWARGS = {
    "many",
    "source",
    "read_only",
    "required",
    "allow_null",
    "help_text",
    "label",
    "default",
    "allow_empty",
    "write_only",
    "validators",
    "style",
    "initial",
}
OTHER_ACTIONS = ("retrieve", "create", "update", "partial_update", "destroy")
MAX_NESTING = 4


# -- classes --------------------------------------------------------------------------
@dataclass(frozen=True)
class ClassRef:
    """A class defined in a workspace module."""

    path: str
    node: Any  # parso classdef

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.name)


@dataclass
class Lineage:
    # workspace classes, the class first (depth-first, left to right)
    chain: list[ClassRef]
    external: set[str]  # dotted names of the bases outside the workspace

    def roots(self, prefix: str = DRF) -> set[str]:
        return {
            name.rsplit(".", 1)[-1] for name in self.external if name.startswith(prefix)
        }

    def attribute(self, name: str) -> tuple[ClassRef, Any] | None:
        for cls in self.chain:
            value = class_attribute(cls.node, name)
            if value is not None:
                return cls, value
        return None

    def method(self, name: str) -> tuple[ClassRef, Any] | None:
        for cls in self.chain:
            function = class_method(cls.node, name)
            if function is not None:
                return cls, function
        return None


class Classes:
    """Resolves class references and lineages, memoised for one analysis."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project
        self._lineages: dict[tuple[str, str], Lineage] = {}

    def resolve(self, path: str, node: Any) -> ClassRef | str | None:
        """A class expression (`Name`, `module.Name`) seen from the file at `path`."""
        dotted = dotted_name(node)
        return (
            self.resolve_dotted(path, node.get_root_node(), dotted) if dotted else None
        )

    def resolve_dotted(
        self, path: str, tree: Any, dotted: str
    ) -> ClassRef | str | None:
        head, _, rest = dotted.partition(".")
        if not rest:
            own = top_level_class(tree, head)
            if own is not None:
                return ClassRef(path, own)
        source = imported_symbol(tree, head, path)
        full = (
            f"{source[0]}.{source[1]}" if source else imported_module(tree, head, path)
        )
        if not full:
            return None
        return self._lookup(f"{full}.{rest}" if rest else full, 0)

    def _lookup(self, full: str, depth: int) -> ClassRef | str | None:
        module, _, name = full.rpartition(".")
        target = module_map(self.project).path_of(module) if module else None
        if target is None:
            return None if depth and not full.startswith(DRF) else full
        tree = tree_of(self.project, target)
        if tree is None:
            return None
        own = top_level_class(tree, name)
        if own is not None:
            return ClassRef(target, own)
        source = imported_symbol(tree, name, target)
        if source is not None and depth < 3:  # a re-export (`from .base import X`)
            return self._lookup(f"{source[0]}.{source[1]}", depth + 1)
        return None

    def lineage(self, ref: ClassRef) -> Lineage:
        if ref.key not in self._lineages:
            self._lineages[ref.key] = Lineage([], set())  # cycles end here
            self._lineages[ref.key] = self._build(ref)
        return self._lineages[ref.key]

    def _build(self, ref: ClassRef) -> Lineage:
        mro, external = [ref], set()
        for base in class_bases(ref.node):
            resolved = self.resolve(ref.path, base)
            if isinstance(resolved, str):
                external.add(resolved)
            elif isinstance(resolved, ClassRef):
                inherited = self.lineage(resolved)
                mro.extend(c for c in inherited.chain if c not in mro)
                external |= inherited.external
            else:
                external.add("?")  # unreadable base: it may define anything
        return Lineage(mro, external)


def class_bases(classdef: Any) -> list[Any]:
    arglist = classdef.get_super_arglist()
    if arglist is None:
        return []
    positional, _ = call_arguments(arglist)
    return [node for node in positional if node.type in ("name", "atom_expr", "power")]


def class_statements(classdef: Any) -> Iterator[Any]:
    for child in classdef.get_suite().children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            yield child.children[0]


def class_attribute(classdef: Any, name: str) -> Any | None:
    """The value of `name = value` in a class body (the last one)."""
    found = None
    for statement in class_statements(classdef):
        target = statement.children[0]
        if (
            target.type == "name"
            and target.value == name
            and len(statement.children) == 3
        ):
            found = statement.children[2]
    return found


def class_method(classdef: Any, name: str) -> Any | None:
    for function in classdef.iter_funcdefs():
        if function.name.value == name:
            return function
    return None


def nested_class(classdef: Any, name: str) -> Any | None:
    for node in classdef.iter_classdefs():
        if node.name.value == name:
            return node
    return None


def returns(function: Any) -> list[Any]:
    return [
        s.children[1]
        for s in function.iter_return_stmts()
        if s.type == "return_stmt" and len(s.children) == 2
    ]


# -- relation reads of one instance, through the loop scanner -------------------------
@dataclass(frozen=True)
class Read:
    """A relation read for every serialized (or displayed) object."""

    path: tuple[str, ...]  # relation attributes from the queryset's model
    kind: str  # SELECT, PREFETCH or BYPASSED
    field: str  # the serializer field / list_display entry that reads it
    where: str  # the file of `span`
    span: Span
    detail: str = ""  # how: "nested `AuthorSerializer`", "`Book.__str__`"


class InstanceScan:
    """Relation reads of code run with one model instance: methods, `__str__`, helpers."""

    def __init__(self, project: ProjectIndex, model: str, node: Any) -> None:
        self.project = project
        self.loop = Loop(node, QuerySetValue(model), "obj")
        self.analysis = Analysis()

    def function(
        self,
        path: str,
        function: Any,
        position: int,
        instance: Instance,
        anchor: Span | None,
    ) -> None:
        """Run `function` with `instance` as its parameter at `position`."""
        params = function.get_params()
        if position >= len(params):
            return
        tree = function.get_root_node()
        evaluator = Evaluator(self.project, path, tree)
        param = params[position].name
        evaluator.bindings[id(param)] = self._bound(instance)
        scanner = _Scanner(evaluator, self.loop, self.analysis)
        body = function.children[-1]
        scanner.scan_uses(param, [body], anchor=anchor, via=None, depth=0)

    def method(
        self, path: str, instance: Instance, attribute: str, anchor: Span, via: str
    ) -> None:
        """A model method or property (or `__str__`) of `instance`."""
        tree = tree_of(self.project, path)
        if tree is None:
            return
        scanner = _Scanner(
            Evaluator(self.project, path, tree), self.loop, self.analysis
        )
        scanner._method_summary(
            self._bound(instance), attribute, anchor, anchor, via, 0
        )

    def _bound(self, instance: Instance) -> Instance:
        return Instance(instance.model, self.loop, instance.path)

    def reads(self, field_name: str, where: str, detail: str) -> list[Read]:
        found = []
        for access in self.analysis.accesses:
            kind = _read_kind(access)
            if kind is not None:
                found.append(
                    Read(
                        access.path,
                        kind,
                        field_name,
                        where,
                        access.span,
                        detail or (f"`{access.via}`" if access.via else ""),
                    )
                )
        self.analysis = Analysis()
        return found


def _read_kind(access: Access) -> str | None:
    if access.kind in (SELECT, PREFETCH, BYPASSED):
        return access.kind
    # `fk.id` reads no row when the FK is loaded; deferred columns: not here
    return None


# -- serializers ----------------------------------------------------------------------
@dataclass
class SerializerReads:
    """What serializers read per object; one per analysis (memoised lineages)."""

    project: ProjectIndex
    classes: Classes = field(init=False)

    def __post_init__(self) -> None:
        self.classes = Classes(self.project)
        self.graph = model_graph(self.project)

    def is_serializer(self, ref: ClassRef) -> bool:
        return bool(self.classes.lineage(ref).roots() & SERIALIZERS)

    def meta_model(self, ref: ClassRef) -> str | None:
        value = self._meta(self.classes.lineage(ref)).get("model")
        if value is None:
            return None
        path, node = value
        model = Evaluator(self.project, path, node.get_root_node()).value(node)
        return model.model if isinstance(model, ModelClass) else None

    def reads(
        self,
        ref: ClassRef,
        model: str,
        prefix: tuple[str, ...] = (),
        anchor: tuple[str, Span] | None = None,
        nesting: int = 0,
    ) -> list[Read] | None:
        """Every read of serializer `ref` on an instance of `model` at `prefix`; None: unknown."""
        lineage = self.classes.lineage(ref)
        roots = lineage.roots()
        if not roots & SERIALIZERS or nesting > MAX_NESTING:
            return None
        declared = self._declared(lineage)
        meta = self._meta(lineage)
        names = self._field_names(roots, meta, declared, model)
        if names is None:
            return None
        context = _Context(
            self,
            ref,
            model,
            prefix,
            anchor,
            nesting,
            "HyperlinkedModelSerializer" in roots,
            _depth(meta),
            _extra_kwargs(meta),
        )
        found: list[Read] = []
        for name, node in names:
            declaration = declared.get(name)
            if declaration is not None:
                found.extend(context.declared(name, *declaration))
            elif roots & MODEL_SERIALIZERS:
                found.extend(context.implicit(name, node))
        return found

    def _meta(self, lineage: Lineage) -> dict[str, tuple[str, Any]]:
        """`Meta` options (name -> (file, value node)), following `class Meta(Base.Meta)`."""
        for cls in lineage.chain:
            meta = nested_class(cls.node, "Meta")
            if meta is not None:
                return self._meta_options(cls, meta, 0)
        return {}

    def _meta_options(
        self, cls: ClassRef, meta: Any, depth: int
    ) -> dict[str, tuple[str, Any]]:
        options: dict[str, tuple[str, Any]] = {}
        for base in class_bases(meta):
            dotted = dotted_name(base) or ""
            owner = (
                self.classes.resolve(cls.path, base.children[0])
                if dotted.endswith(".Meta")
                else None
            )
            if isinstance(owner, ClassRef) and depth < 3:
                parent = nested_class(owner.node, "Meta")
                if parent is not None:
                    options.update(self._meta_options(owner, parent, depth + 1))
        for statement in class_statements(meta):
            target = statement.children[0]
            if target.type == "name" and len(statement.children) == 3:
                options[target.value] = (cls.path, statement.children[2])
        return options

    def _declared(self, lineage: Lineage) -> dict[str, tuple[ClassRef, Any]]:
        """Declared fields (name -> (class, call node)); subclasses override bases."""
        declared: dict[str, tuple[ClassRef, Any]] = {}
        for cls in reversed(lineage.chain):
            for statement in class_statements(cls.node):
                target, value = statement.children[0], statement.children[-1]
                if target.type != "name" or len(statement.children) != 3:
                    continue
                if value.type == "keyword" and value.value == "None":
                    # `field = None` removes an inherited field
                    declared.pop(target.value, None)
                elif (
                    value.type in ("atom_expr", "power")
                    and value.children[-1].type == "trailer"
                    and value.children[-1].children[0] == "("
                ):
                    declared[target.value] = (cls, value)
        return declared

    def _field_names(
        self,
        roots: set[str],
        meta: dict[str, tuple[str, Any]],
        declared: dict[str, tuple[ClassRef, Any]],
        model: str,
    ) -> list[tuple[str, Any]] | None:
        """(name, node naming it) of every serialized field; None when not literal."""
        if not roots & MODEL_SERIALIZERS:
            return [(name, call) for name, (_, call) in declared.items()]
        if "fields" in meta:
            node = meta["fields"][1]
            if string_value(node) == "__all__":
                return self._default_names(model, declared, node, meta)
            items = list_items(node)
            if items is None or any(string_value(i) is None for i in items):
                return None
            return [(string_value(i), i) for i in items]
        if "exclude" in meta:
            return self._default_names(model, declared, meta["exclude"][1], meta)
        return None  # DRF refuses a ModelSerializer without `fields` or `exclude`

    def _default_names(
        self,
        model: str,
        declared: dict[str, Any],
        node: Any,
        meta: dict[str, tuple[str, Any]],
    ) -> list[tuple[str, Any]] | None:
        info = self.graph.get(model)
        if info is None or info.presumed:
            return None
        excluded: set[str] = set()
        if "exclude" in meta:
            value = literal_value(meta["exclude"][1])
            if not isinstance(value, (list, tuple)):
                return None
            excluded = set(value)
        names = [*declared, *(f.name for f in info.fields.values() if not f.reverse)]
        return [(name, node) for name in dict.fromkeys(names) if name not in excluded]


def _extra_kwargs(meta: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    value = literal_value(meta["extra_kwargs"][1]) if "extra_kwargs" in meta else {}
    return value if isinstance(value, dict) else {}


def _depth(meta: dict[str, tuple[str, Any]]) -> int:
    if "depth" not in meta:
        return 0
    value = literal_value(meta["depth"][1])
    return value if isinstance(value, int) else 0


@dataclass
class _Context:
    """One serializer class read on one model, at one path."""

    owner: SerializerReads
    ref: ClassRef
    model: str
    prefix: tuple[str, ...]
    anchor: tuple[str, Span] | None
    nesting: int
    hyperlinked: bool
    depth: int
    extra_kwargs: dict[str, Any] = field(default_factory=dict)

    def _where(self, node: Any) -> tuple[str, Span]:
        return self.anchor or (self.ref.path, Span.of(node))

    def _read(
        self, path: tuple[str, ...], kind: str, name: str, node: Any, detail: str
    ) -> Read:
        where, span = self._where(node)
        return Read(path, kind, name, where, span, detail)

    # -- declared fields ---------------------------------------------------------------
    def declared(self, name: str, cls: ClassRef, call: Any) -> list[Read]:
        parts = call_parts(call)
        if parts is None:
            return []
        callee = self.owner.classes.resolve_dotted(
            cls.path, call.get_root_node(), parts[0]
        )
        _, keywords = call_arguments(parts[1])
        source = string_value(keywords["source"]) if "source" in keywords else name
        if source is None:
            return []
        many = code_of(keywords["many"]) == "True" if "many" in keywords else False
        anchor = self._where(
            call.parent.children[0] if call.parent.type == "expr_stmt" else call
        )
        if isinstance(callee, ClassRef) and self.owner.is_serializer(callee):
            return self._nested(
                name, callee, source, many, set(keywords) <= PLAIN_KWARGS, anchor
            )
        kind = self._field_kind(callee)
        if kind == "SerializerMethodField":
            method = (
                string_value(keywords["method_name"])
                if "method_name" in keywords
                else f"get_{name}"
            )
            return self._method_field(name, method or "")
        if kind is None or kind in NO_READ_FIELDS:
            return []
        if kind in RELATED_FIELDS:
            return self._related(name, kind, source, many, keywords, anchor)
        return self._source(name, source, anchor, str_of_object=True)

    def _field_kind(self, callee: ClassRef | str | None) -> str | None:
        """The DRF field class a field is (or derives from without changing how it reads)."""
        if isinstance(callee, str):
            return callee.rsplit(".", 1)[-1] if callee.startswith(DRF) else None
        if callee is None:
            return None
        lineage = self.owner.classes.lineage(callee)
        if lineage.method("get_attribute") or lineage.method(
            "use_pk_only_optimization"
        ):
            return None  # reads its own way
        roots = lineage.roots() - {"Field"}
        if not roots or "?" in lineage.external:
            return None
        related = roots & RELATED_FIELDS
        return sorted(related)[0] if related else "Field"

    def _walk(
        self, attributes: list[str]
    ) -> tuple[list[tuple[tuple[str, ...], str]], str | None, str | None]:
        """Relation hops along `a.b.c`: ([(path, kind)], model reached, attribute left over)."""
        graph = self.owner.graph
        hops: list[tuple[tuple[str, ...], str]] = []
        model, path = self.model, self.prefix
        for index, attribute in enumerate(attributes):
            relation = graph.field(model, attribute)
            if relation is None or relation.kind == "field" or relation.target is None:
                return hops, model, ".".join(attributes[index:])
            path = (*path, attribute)
            hops.append((path, PREFETCH if relation.many else SELECT))
            if relation.many:
                return hops, None, None  # `tags.count`: the rest runs on the manager
            model = relation.target
        return hops, model, None

    def _nested(
        self,
        name: str,
        nested: ClassRef,
        source: str,
        many: bool,
        plain: bool,
        anchor: tuple[str, Span],
    ) -> list[Read]:
        detail = f"nested `{nested.name}`"
        if source == "*":
            reads = self.owner.reads(
                nested, self.model, self.prefix, anchor, self.nesting + 1
            )
            return reads or []
        hops, model, rest = self._walk(source.split("."))
        found = [Read(path, kind, name, *anchor, detail) for path, kind in hops]
        if rest is not None:
            return (
                [*found, *self._property(name, model, rest, anchor)] if model else found
            )
        if not hops or not plain:
            return found  # dynamic fields (`nested=True`, `fields=`): the relation only
        last_path = hops[-1][0]
        inner_model = self._target(last_path)
        if inner_model is None:
            return found
        inner = self.owner.reads(
            nested, inner_model, last_path, anchor, self.nesting + 1
        )
        return [*found, *(inner or [])]

    def _target(self, path: tuple[str, ...]) -> str | None:
        model = self.model
        for attribute in path[len(self.prefix) :]:
            relation = self.owner.graph.field(model, attribute)
            if relation is None or relation.target is None:
                return None
            model = relation.target
        return model

    def _related(
        self,
        name: str,
        kind: str,
        source: str,
        many: bool,
        keywords: dict[str, Any],
        anchor: tuple[str, Span],
    ) -> list[Read]:
        hops, model, rest = self._walk(source.split("."))
        if rest is not None or not hops:
            return [Read(p, k, name, *anchor, f"`{kind}`") for p, k in hops]
        *before, (last_path, last_kind) = hops
        found = [Read(p, k, name, *anchor, f"`{kind}`") for p, k in before]
        relation = self.owner.graph.field(
            self._target(last_path[:-1]) or "", last_path[-1]
        )
        lookup = (
            string_value(keywords["lookup_field"])
            if "lookup_field" in keywords
            else "pk"
        )
        pk_only = kind == "PrimaryKeyRelatedField" or (
            kind == "HyperlinkedRelatedField" and lookup == "pk"
        )
        single_pk = (
            pk_only
            and relation is not None
            and relation.kind in ("fk", "o2o")
            and not many
        )
        if not single_pk:
            found.append(Read(last_path, last_kind, name, *anchor, f"`{kind}`"))
        target = self._target(last_path)
        if kind == "StringRelatedField" and target is not None:
            found.extend(self._property(name, target, "__str__", anchor, last_path))
        elif (
            kind == "SlugRelatedField"
            and "slug_field" in keywords
            and target is not None
        ):
            slug = (string_value(keywords["slug_field"]) or "").replace("__", ".")
            deeper = _Context(
                self.owner, self.ref, target, last_path, anchor, self.nesting, False, 0
            )
            found.extend(deeper._source(name, slug, anchor, str_of_object=False))
        return found

    def _source(
        self, name: str, source: str, anchor: tuple[str, Span], *, str_of_object: bool
    ) -> list[Read]:
        if source == "*" or not source:
            return []
        hops, model, rest = self._walk(source.split("."))
        found = [
            Read(p, k, name, *anchor, f"`source='{source}'`" if source != name else "")
            for p, k in hops
        ]
        if rest is not None and model is not None:
            found.extend(
                self._property(
                    name, model, rest, anchor, hops[-1][0] if hops else self.prefix
                )
            )
        elif rest is None and hops and hops[-1][1] == SELECT and str_of_object:
            target = self._target(hops[-1][0])
            if target is not None:  # a plain field shows `str(obj.author)`
                found.extend(
                    self._property(name, target, "__str__", anchor, hops[-1][0])
                )
        return found

    def _property(
        self,
        name: str,
        model: str | None,
        attribute: str,
        anchor: tuple[str, Span],
        path: tuple[str, ...] | None = None,
    ) -> list[Read]:
        """A model method/property (or `__str__`) read through `source` or `Meta.fields`."""
        info = self.owner.graph.get(model) if model else None
        if info is None or "." in attribute or attribute not in info.methods:
            return []
        scan = InstanceScan(self.owner.project, self.model, self.ref.node)
        where, span = anchor
        scan.method(
            info.path,
            Instance(info.label, None, self.prefix if path is None else path),
            attribute,
            span,
            f"{info.name}.{attribute}",
        )
        return [
            replace(r, where=where, span=span)
            for r in scan.reads(name, where, f"`{info.name}.{attribute}`")
        ]

    def _method_field(self, name: str, method: str) -> list[Read]:
        found = self.owner.classes.lineage(self.ref).method(method)
        if found is None:
            return []
        cls, function = found
        scan = InstanceScan(self.owner.project, self.model, self.ref.node)
        anchor_span = self.anchor[1] if self.anchor else None
        scan.function(
            cls.path, function, 1, Instance(self.model, None, self.prefix), anchor_span
        )
        reads = scan.reads(
            name, self.anchor[0] if self.anchor else cls.path, f"`{method}()`"
        )
        if self.anchor is None and cls.path != self.ref.path:
            return [
                replace(r, where=self.ref.path, span=Span.of(self.ref.node.name))
                for r in reads
            ]
        return reads

    # -- fields from the model (ModelSerializer) ----------------------------------------
    def implicit(self, name: str, node: Any) -> list[Read]:
        anchor = self._where(node)
        relation = self.owner.graph.field(self.model, name)
        if relation is None:
            return self._property(name, self.model, name, anchor)
        if relation.kind == "field" or relation.target is None:
            return []
        path = (*self.prefix, name)
        kind = PREFETCH if relation.many else SELECT
        if self.depth > 0:
            found = [Read(path, kind, name, *anchor, "`Meta.depth`")]
            return found + self._depth_reads(
                name, relation.target, path, self.depth - 1, anchor
            )
        options = self.extra_kwargs.get(name)
        lookup = (
            options.get("lookup_field", "pk") if isinstance(options, dict) else "pk"
        )
        if relation.kind in ("fk", "o2o") and (not self.hyperlinked or lookup == "pk"):
            return []  # a primary key (or a `pk` hyperlink): the FK column, no query
        if relation.kind in ("fk", "o2o"):
            return [Read(path, SELECT, name, *anchor, f"hyperlink by `{lookup}`")]
        return [Read(path, kind, name, *anchor, "")]

    def _depth_reads(
        self,
        name: str,
        model: str,
        path: tuple[str, ...],
        depth: int,
        anchor: tuple[str, Span],
    ) -> list[Read]:
        """`Meta.depth`: a nested `fields = "__all__"` serializer of each relation."""
        info = self.owner.graph.get(model)
        if info is None or len(path) > MAX_NESTING + 2:
            return []
        found = []
        for relation in info.fields.values():
            if relation.kind == "field" or relation.reverse or relation.target is None:
                continue
            inner = (*path, relation.name)
            if depth > 0:
                found.append(
                    Read(
                        inner,
                        PREFETCH if relation.many else SELECT,
                        name,
                        *anchor,
                        "`Meta.depth`",
                    )
                )
                found.extend(
                    self._depth_reads(name, relation.target, inner, depth - 1, anchor)
                )
            elif relation.many:
                found.append(Read(inner, PREFETCH, name, *anchor, "`Meta.depth`"))
        return found


@dataclass(frozen=True)
class _Call:
    """The `B(...)` part of a chain `B(...).data`, to report at."""

    children: list[Any]

    @property
    def parent(self) -> Any:
        return self.children[0].parent

    @property
    def start_pos(self) -> tuple[int, int]:
        return self.children[0].start_pos

    @property
    def end_pos(self) -> tuple[int, int]:
        return self.children[-1].end_pos


# -- views ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewUse:
    """One serializer class a DRF view serializes its queryset with."""

    # None: an explicit `BookSerializer(queryset, many=True)` call
    view: ClassRef | None
    serializer: ClassRef
    listing: bool  # serializes many rows (a list action); else one object
    queryset: QuerySetValue
    anchor: Any  # where a finding goes in the view's file
    scope: Any  # the class or function building the queryset (SAFE when in the view)


def view_uses(classes: Classes, view: ClassRef) -> list[ViewUse]:
    lineage = classes.lineage(view)
    roots = lineage.roots()
    if not roots & GENERIC_VIEWS:
        return []
    listing = bool(roots & LISTING)
    queryset = view_queryset(classes, lineage)
    if queryset is None:
        return []
    value, anchor, scope = queryset
    return [
        ViewUse(view, serializer, listing and lists, value, anchor, scope)
        for serializer, lists in _serializers(classes, lineage)
    ]


def serializer_calls(classes: Classes, path: str, tree: Any) -> list[ViewUse]:
    """`BookSerializer(<queryset>, many=True)` calls (an `APIView.get`, an `@api_view`)."""
    evaluator = Evaluator(classes.project, path, tree)
    found = []
    for node, parts in _calls_in(tree):
        positional, keywords = call_arguments(parts[1])
        if (
            not positional
            or "many" not in keywords
            or code_of(keywords["many"]) != "True"
        ):
            continue
        serializer = classes.resolve_dotted(path, tree, parts[0])
        if (
            not isinstance(serializer, ClassRef)
            or not classes.lineage(serializer).roots() & SERIALIZERS
        ):
            continue
        queryset = evaluator.value(positional[0])
        if isinstance(queryset, QuerySetValue) and queryset.related_from is None:
            scope = search_ancestor(
                node.children[0], "funcdef", "classdef", "file_input"
            )
            found.append(ViewUse(None, serializer, True, queryset, node, scope))
    return found


def _calls_in(tree: Any) -> Iterator[tuple[Any, tuple[str, Any]]]:
    """(node, (dotted callee, arguments)) of `a.B(...)` calls, also inside a chain."""
    stack = [tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", ())
        stack.extend(children)
        if node.type not in ("atom_expr", "power") or children[0].type != "name":
            continue
        names = [children[0].value]
        for index, trailer in enumerate(children[1:], 1):
            if trailer.type != "trailer":
                break
            if trailer.children[0] == "(":
                arguments = trailer.children[1] if len(trailer.children) == 3 else None
                yield (
                    node
                    if index == len(children) - 1
                    else _Call(children[: index + 1]),
                    (".".join(names), arguments),
                )
                break
            if trailer.children[0] != ".":
                break
            names.append(trailer.children[1].value)


def view_queryset(
    classes: Classes, lineage: Lineage, start: int = 0
) -> tuple[QuerySetValue, Any, Any] | None:
    """(queryset, node to report at, scope of the fix) of a view, from its MRO."""
    view = lineage.chain[0]
    for index in range(start, len(lineage.chain)):
        cls = lineage.chain[index]
        function = class_method(cls.node, "get_queryset")
        if function is None:
            continue

        def base(kind: str, chain: Any, after: int = index + 1) -> QuerySetValue | None:
            # DRF's own `get_queryset()` returns `self.queryset.all()`.
            found = view_queryset(classes, lineage, after) if kind == "super" else None
            if kind == "super" and found is not None:
                return found[0]
            attribute = _attribute_queryset(classes, lineage)
            return attribute[0] if attribute else None

        value = override_queryset(classes.project, cls.path, function, base)
        if value is None:
            return None
        anchor = _return_anchor(function) if cls == view else view.node.name
        return value, anchor, _fix_scope(value, view)
    found = _attribute_queryset(classes, lineage)
    if found is None:
        return None
    value, node = found
    anchor = node if search_ancestor(node, "classdef") is view.node else view.node.name
    return value, anchor, _fix_scope(value, view)


def _attribute_queryset(
    classes: Classes, lineage: Lineage
) -> tuple[QuerySetValue, Any] | None:
    found = lineage.attribute("queryset")
    if found is None:
        return None
    cls, node = found
    value = Evaluator(classes.project, cls.path, node.get_root_node()).value(node)
    return (value, node) if isinstance(value, QuerySetValue) else None


def _return_anchor(function: Any) -> Any:
    values = returns(function)
    return values[-1] if values else function.name


def _fix_scope(queryset: QuerySetValue, view: ClassRef) -> Any:
    """SAFE when the queryset is built in the view class itself."""
    origin = queryset.origin
    if origin is None or origin.path != view.path:
        return view.node
    scope = search_ancestor(origin.chain, "funcdef", "classdef")
    inside = scope is view.node or (
        scope is not None and search_ancestor(scope, "classdef") is view.node
    )
    return origin.scope if inside else view.node


def _serializers(classes: Classes, lineage: Lineage) -> list[tuple[ClassRef, bool]]:
    """Serializer classes of a view and whether each is used for the list action."""
    found = lineage.method("get_serializer_class")
    if found is None:
        attribute = lineage.attribute("serializer_class")
        resolved = (
            classes.resolve(attribute[0].path, attribute[1]) if attribute else None
        )
        return [(resolved, True)] if isinstance(resolved, ClassRef) else []
    cls, function = found
    result = []
    for node in returns(function):
        target = node
        if code_of(node) in ("self.serializer_class", "super().get_serializer_class()"):
            attribute = lineage.attribute("serializer_class")
            if attribute is None:
                continue
            cls_of, target = attribute
            resolved = classes.resolve(cls_of.path, target)
        else:
            resolved = classes.resolve(cls.path, target)
        if isinstance(resolved, ClassRef) and all(resolved != r for r, _ in result):
            result.append((resolved, _used_for_list(node, function)))
    return result


def _used_for_list(node: Any, function: Any) -> bool:
    """False for a `return` under `if self.action == "retrieve"` or the `else` of a list test."""
    current = node
    while current is not None and current is not function:
        parent = current.parent
        if parent is not None and parent.type == "if_stmt":
            verdict = _branch_verdict(parent, current)
            if verdict is not None:
                return verdict
        current = parent
    return True


def _branch_verdict(if_stmt: Any, branch: Any) -> bool | None:
    children = if_stmt.children
    index = children.index(branch)
    tests = [
        children[i + 1] for i in range(0, index, 4) if children[i] in ("if", "elif")
    ]
    own = (
        children[index - 2]
        if index >= 2 and children[index - 2] not in ("else",)
        else None
    )
    if own is not None and children[index - 3] in ("if", "elif"):
        text = code_of(own)
        if "'list'" in text or '"list"' in text:
            return "!=" not in text and " not " not in text
        if any(f"'{a}'" in text or f'"{a}"' in text for a in OTHER_ACTIONS):
            return False
        return None
    if any("'list'" in code_of(t) or '"list"' in code_of(t) for t in tests):
        return False  # the else of `if self.action == "list"`
    return None


def missing_reads(analyzer: SerializerReads, use: ViewUse) -> list[Read]:
    """The reads of `use.serializer` that run a query per row of the view's queryset."""
    queryset = use.queryset
    if queryset.values or queryset.raw or queryset.uncertain:
        return []
    declared = analyzer.meta_model(use.serializer)
    if declared is not None and declared != queryset.model:
        return []  # another model's serializer: the view must do something else with it
    graph = analyzer.graph
    found = []
    for read in analyzer.reads(use.serializer, queryset.model) or []:
        read = replace(read, path=without_back_hops(graph, queryset.model, read.path))
        if not read.path:
            continue
        if not use.listing and not _below_many(graph, queryset.model, read.path):
            continue  # one object: each relation is one query, not one per row
        if read.kind == BYPASSED or not loaded(graph, queryset, read.path):
            found.append(read)
    return found


def without_back_hops(graph: Any, model: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """`image.exercise` on the images of `exercise.exerciseimage_set` is `exercise`
    itself: Django caches the way back (reverse FK and one-to-one managers set it), so
    `exerciseimage_set__exercise__category` reads what `category` reads."""
    kept: list[tuple[str, str, Any]] = []  # (attribute, model it is read on, relation)
    current = model
    for attribute in path:
        relation = graph.field(current, attribute)
        if relation is None or relation.target is None:
            return path
        if kept and _inverse(kept[-1][2], relation):
            current = kept.pop()[1]
            continue
        kept.append((attribute, current, relation))
        current = relation.target
    return tuple(attribute for attribute, _, _ in kept)


def _inverse(previous: Any, relation: Any) -> bool:
    if previous.kind in ("reverse_fk", "reverse_o2o"):
        return relation.kind in ("fk", "o2o") and relation.name == previous.remote_field
    if previous.kind == "o2o":
        return relation.kind == "reverse_o2o" and relation.remote_field == previous.name
    return False


def _below_many(graph: Any, model: str, path: tuple[str, ...]) -> bool:
    hops = kinds(graph, model, path)
    return bool(hops) and any(
        k in ("m2m", "reverse_fk", "reverse_m2m") for k in hops[:-1]
    )


# -- get_queryset overrides -------------------------------------------------------------
Base = Callable[[str, Any], QuerySetValue | None]


def override_queryset(
    project: ProjectIndex, path: str, function: Any, base: Base
) -> QuerySetValue | None:
    """The queryset a `get_queryset` override returns. `base("super", chain)` gives the
    queryset of `super().get_queryset(...)`, `base("self", chain)` that of `self.queryset`."""
    values = returns(function)
    if len(values) != 1:
        return None
    evaluator = Evaluator(project, path, function.get_root_node())
    for statement in _assignments(function):
        name, value = statement.children[0], statement.children[2]
        seeded = _seeded_chain(evaluator, value, base)
        if seeded is not None:
            evaluator.bindings[id(name)] = seeded
    result = _seeded_chain(evaluator, values[0], base)
    if result is None:
        result = evaluator.value(values[0])
    return result if isinstance(result, QuerySetValue) else None


def _assignments(function: Any) -> Iterator[Any]:
    stack = [function.children[-1]]
    while stack:
        node = stack.pop()
        if (
            node.type == "expr_stmt"
            and len(node.children) == 3
            and node.children[1] == "="
            and node.children[0].type == "name"
        ):
            yield node
        elif node.type not in ("funcdef", "classdef", "lambdef"):
            stack.extend(getattr(node, "children", ()))


def _seeded_chain(evaluator: Evaluator, node: Any, base: Base) -> QuerySetValue | None:
    if node.type not in ("atom_expr", "power"):
        return None
    children = node.children
    texts = [code_of(c) for c in children[:4]]
    if (
        texts[:3] == ["super", "()", ".get_queryset"]
        and len(children) >= 4
        and texts[3].startswith("(")
    ):
        start, value = 4, base("super", node)
    elif texts[:2] == ["self", ".queryset"]:
        start, value = 2, base("self", node)
    else:
        return None
    if value is None:
        return None
    # the admin's default queryset: edit after `super()...(request)`
    if value.origin is None:
        call = children[start - 1]
        origin = Origin(
            evaluator.path,
            node,
            call,
            True,
            search_ancestor(node, "funcdef"),
            kind="chain",
        )
        value = replace(value, origin=origin, select_calls=(), prefetch_calls=())
    return _apply(evaluator, value, node, children[start:])


def _apply(
    evaluator: Evaluator, value: QuerySetValue, chain: Any, trailers: list[Any]
) -> QuerySetValue | None:
    index = 0
    while index < len(trailers):
        trailer = trailers[index]
        following = trailers[index + 1] if index + 1 < len(trailers) else None
        if trailer.children[0] == "[" and ":" in code_of(trailer):
            index += 1
            continue
        if (
            trailer.children[0] != "."
            or following is None
            or following.children[0] != "("
        ):
            return None
        value = evaluator.queryset_method(
            value, trailer.children[1].value, following, chain, 0
        )
        if not isinstance(value, QuerySetValue):
            return None
        index += 2
    return value


# -- project fact: which views use which serializer -------------------------------------
register_fact("drf_views", FileRole.PYTHON)


def serializer_users(
    project: ProjectIndex,
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Serializer (file, class) -> the views (file, class) that serialize with it."""
    return project.fact("drf_views", _build_users)


def _build_users(project: ProjectIndex) -> dict[tuple[str, str], list[tuple[str, str]]]:
    users: dict[tuple[str, str], list[tuple[str, str]]] = {}
    classes = Classes(project)
    for path in project.python_files():
        if project.roles(path) & (FileRole.TESTS | FileRole.MIGRATIONS):
            continue
        text = project.read(path) or ""
        # a DRF view names its serializer (or a base does)
        if "serializer_class" not in text:
            continue
        tree = tree_of(project, path)
        for node in tree.iter_classdefs() if tree is not None else ():
            lineage = classes.lineage(ClassRef(path, node))
            if not lineage.roots() & GENERIC_VIEWS:
                continue
            for serializer, _ in _serializers(classes, lineage):
                users.setdefault(serializer.key, []).append((path, node.name.value))
    return users


__all__ = [
    "BYPASSED",
    "PREFETCH",
    "SELECT",
    "ClassRef",
    "Classes",
    "InstanceScan",
    "Read",
    "SerializerReads",
    "ViewUse",
    "missing_reads",
    "override_queryset",
    "serializer_calls",
    "serializer_users",
    "view_uses",
]
