"""Which model does this expression hold, and with what `select_related` /
`prefetch_related` state? A small abstract interpreter over parso trees.

Values (N1-NOTES 4.3): `ModelClass` (a model class), `QuerySetValue` (a queryset of a
model with its select/prefetch state and where it was built), `Instance` (a model
instance, e.g. a loop variable, with the relation path from the loop's queryset),
`RelatedManager` (`author.books`), `Enumerated` (`enumerate(qs)`). Anything else is
`None`: unknown means no finding.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

from parso.tree import search_ancestor

from djvet.core.parso_utils import (
    HALF_TYPED_CODE_ERRORS,
    call_arguments,
    code_of,
    string_value,
)
from djvet.core.roles import FileRole
from djvet.project import jedi_adapter
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.models import FieldInfo, ModelGraph, ModelInfo, model_graph
from djvet.project.modules import dotted_name as dotted_name_of
from djvet.project.modules import (
    imported_module,
    imported_symbol,
    in_workspace,
    module_map,
    tree_of,
)

MAX_DEPTH = 3
SCOPES = ("funcdef", "classdef", "file_input", "lambdef")

# QuerySet methods that return a queryset of the same model and keep its state.
SAME_QS = {
    "all",
    "filter",
    "exclude",
    "order_by",
    "distinct",
    "annotate",
    "alias",
    "using",
    "reverse",
    "none",
    "complex_filter",
    "select_for_update",
    "defer",
    "only",
    "extra",
    "union",
    "intersection",
    "difference",
    "get_queryset",
}
VALUES = {"values", "values_list", "dates", "datetimes"}
SINGLE = {
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "create",
    "get_or_create",
    "update_or_create",
    "aget",
    "afirst",
    "alast",
}
SCALAR = {
    "count",
    "exists",
    "aggregate",
    "update",
    "delete",
    "in_bulk",
    "explain",
    "contains",
    "acount",
    "aexists",
    "bulk_create",
    "bulk_update",
}
# Related-manager methods answered from the prefetch cache; the rest bypass it (R05/R06).
CACHE_SERVED = {"all", "count", "exists"}
BYPASS = {
    "filter",
    "exclude",
    "order_by",
    "first",
    "last",
    "get",
    "latest",
    "earliest",
    "values",
    "values_list",
    "aggregate",
    "annotate",
    "distinct",
    "reverse",
    "only",
    "defer",
    "select_related",
    "prefetch_related",
    "in_bulk",
    "none",
    "iterator",
}


@dataclass(frozen=True)
class Origin:
    """Where a queryset is built, so a fix can edit it."""

    path: str
    chain: Any  # the atom_expr holding the manager (or the call returning the queryset)
    # trailer after which `.select_related(...)` goes; None: at the end
    insert_after: Any | None
    editable: bool = True
    scope: Any = None  # the function or class holding `chain`
    # "class_model": a CBV's `model = X`; the fix adds `queryset = ...`
    kind: str = "chain"

    @property
    def line(self) -> int:
        return self.chain.start_pos[0]


@dataclass(frozen=True)
class PrefetchEntry:
    lookup: str
    to_attr: str | None = None
    inner: QuerySetValue | None = None
    node: Any = None  # the `Prefetch(...)` call, or the string literal


@dataclass(frozen=True)
class QuerySetValue:
    model: str
    select: frozenset[str] = frozenset()
    select_all: bool = False
    prefetch: tuple[PrefetchEntry, ...] = ()
    values: bool = False
    uncertain: bool = False  # unknown custom methods or non-literal lookups: stay quiet
    origin: Origin | None = None
    select_calls: tuple[Any, ...] = ()  # `select_related(...)` trailers along the chain
    prefetch_calls: tuple[Any, ...] = ()
    # a bare `.iterator()` trailer (needs chunk_size with prefetch)
    iterator_call: Any = None
    only: frozenset[str] | None = None  # `only("title")`: every other field is deferred
    only_call: Any = None
    deferred: frozenset[str] | None = None  # `defer("body")`
    has_union: bool = False
    raw: bool = False  # a RawQuerySet: no select_related, so no fix
    evaluated: bool = False  # list(qs): the rows are already in memory
    # `b.chapters.all()`: rows of a relation of an instance
    related_from: Instance | None = None
    relation: str | None = None


@dataclass(frozen=True)
class ModelClass:
    model: str


@dataclass(frozen=True)
class Loop:
    """A loop or comprehension over a queryset."""

    node: Any  # for_stmt / comprehension
    queryset: QuerySetValue
    variable: str


@dataclass(frozen=True)
class Instance:
    model: str
    loop: Loop | None = None
    path: tuple[str, ...] = ()  # relation attributes from the loop's root queryset
    # `qs.get()` / `qs.first()` / `qs[0]`: what loaded it
    source: QuerySetValue | None = None


@dataclass(frozen=True)
class ModuleRef:
    """A workspace module bound to a name (`from catalog import services`)."""

    path: str
    dotted: str


@dataclass(frozen=True)
class RelatedManager:
    owner: Instance
    field: FieldInfo


@dataclass(frozen=True)
class Enumerated:
    inner: Any


@dataclass
class Evaluator:
    """Evaluates expressions of one file (and, through calls, of others)."""

    project: ProjectIndex
    path: str
    tree: Any
    graph: ModelGraph = field(init=False)
    # id(name leaf) -> forced value
    bindings: dict[int, Any] = field(default_factory=dict)
    _active: set[int] = field(default_factory=set)
    _definition_cache: dict[tuple[int, str], list[tuple[Any, Any]]] = field(
        default_factory=dict
    )
    jedi_budget: jedi_adapter.Budget = field(default_factory=jedi_adapter.Budget)
    allow_jedi: bool = False  # set by the loop analysis for loops that look worth it

    def __post_init__(self) -> None:
        self.graph = model_graph(self.project)

    # -- entry points -----------------------------------------------------------------
    def value(self, node: Any, depth: int = 0) -> Any:
        key = id(node)
        if key in self._active or depth > MAX_DEPTH:
            return None
        self._active.add(key)
        try:
            return self._value(node, depth)
        except HALF_TYPED_CODE_ERRORS:
            return None  # half-typed code: unknown, never a crash
        finally:
            self._active.discard(key)

    def _value(self, node: Any, depth: int) -> Any:
        kind = node.type
        if kind == "name":
            return self.name_value(node, depth)
        if kind in ("atom_expr", "power"):
            return self._chain(node, depth)
        if kind == "atom" and node.children[0] == "(" and len(node.children) == 3:
            return self.value(node.children[1], depth)
        return None

    # -- names ------------------------------------------------------------------------
    def name_value(self, leaf: Any, depth: int) -> Any:
        if id(leaf) in self.bindings:
            return self.bindings[id(leaf)]
        definition = self._definition(leaf)
        if definition is not None:
            return self._definition_value(definition, depth, use=leaf)
        model = self.graph.resolve(self.path, self.tree, leaf.value)
        if model is not None:
            return ModelClass(model.label)
        return None

    def _definition(self, leaf: Any) -> Any | None:
        """The last binding of `leaf`'s name before it, in its scope (then module scope)."""
        bound = _comprehension_binding(leaf)
        if bound is not None:
            return bound
        scope = _scope_of(leaf)
        definitions = self._definitions(leaf)
        best = None
        for candidate, candidate_scope in definitions:
            if (
                candidate_scope is scope
                and candidate.start_pos < leaf.start_pos
                and candidate is not leaf
                and not _binds_itself(candidate, leaf)
            ):
                best = candidate  # definitions are in source order: the last one wins
        if best is None and scope is not None and scope.type != "file_input":
            for candidate, candidate_scope in definitions:
                if candidate_scope.type == "file_input":
                    best = candidate
        return best

    def _definitions(self, leaf: Any) -> list[tuple[Any, Any]]:
        """Every binding of a name in the module, with its scope, in source order (cached:
        a loop variable used a hundred times is looked up a hundred times)."""
        root = leaf.get_root_node()
        key = (id(root), leaf.value)
        found = self._definition_cache.get(key)
        if found is None:
            names = root.get_used_names().get(leaf.value, [])
            found = [(name, _scope_of(name)) for name in names if name.is_definition()]
            found.sort(key=lambda pair: pair[0].start_pos)
            self._definition_cache[key] = found
        return found

    def _definition_value(self, name: Any, depth: int, use: Any = None) -> Any:
        if id(name) in self.bindings:
            return self.bindings[id(name)]
        value = self._plain_definition_value(name, depth)
        if isinstance(value, QuerySetValue) and use is not None:
            value = _with_prefetch_objects(value, name, use)
        return value

    def _plain_definition_value(self, name: Any, depth: int) -> Any:
        statement = name.get_definition()
        if statement is None:
            return None
        if statement.type == "expr_stmt":
            children = statement.children
            if len(children) >= 3 and children[-2] == "=" and children[0] is name:
                # Variables do not deepen the search (cycles are cut by `_active`);
                # only function and method summaries do.
                return self.value(children[-1], depth)
            if len(children) == 2 and children[1].type == "annassign":
                return self._annotated(children[1].children[1], depth)
            return None
        if statement.type == "param":
            return self._param_value(statement, depth)
        if statement.type in ("import_from", "import_name"):
            model = self.graph.resolve(self.path, self.tree, name.value)
            if model is not None:
                return ModelClass(model.label)
            dotted = imported_module(self.tree, name.value, self.path)
            target = module_map(self.project).by_dotted.get(dotted) if dotted else None
            return ModuleRef(target, dotted) if target else None
        return None

    def _param_value(self, param: Any, depth: int) -> Any:
        function = search_ancestor(param, "funcdef")
        if param.name.value == "self" and function is not None:
            cls = search_ancestor(function, "classdef")
            return SelfOf(cls) if cls is not None else None
        annotated = (
            self._annotated(param.annotation, depth)
            if param.annotation is not None
            else None
        )
        collection = isinstance(annotated, QuerySetValue)
        passed = (
            self._from_call_sites(function, param, depth, workspace=collection)
            if function is not None
            else None
        )
        if passed is not None:
            return passed
        # collections stay uncertain: callers found above decide instead
        return annotated

    def _from_call_sites(
        self, function: Any, param: Any, depth: int, workspace: bool = False
    ) -> Any:
        """What the callers in this module pass for `param`: the queryset of the first
        call site that misses the most (the fix then goes to that call site)."""
        if search_ancestor(function, "classdef") is not None or depth >= MAX_DEPTH:
            return None
        params = function.get_params()
        position = params.index(param)
        sites = [
            (self, use)
            for use in self.tree.get_used_names().get(function.name.value, [])
            if use is not function.name
        ]
        if not sites and (workspace or self.allow_jedi):
            sites = self._call_sites_in_workspace(function)
        if not sites and self.allow_jedi:
            sites = self._call_sites_elsewhere(function)
        values = []
        for evaluator, use in sites:
            trailer = use.get_next_sibling()
            if (
                trailer is None
                or trailer.type != "trailer"
                or trailer.children[0] != "("
            ):
                continue
            positional, keywords = call_arguments(
                trailer.children[1] if len(trailer.children) == 3 else None
            )
            argument = keywords.get(param.name.value) or (
                positional[position] if position < len(positional) else None
            )
            if argument is not None:
                values.append(evaluator.value(argument, depth + 1))
        querysets = [v for v in values if isinstance(v, QuerySetValue)]
        if not querysets or len(querysets) != len(values):
            return None
        # Prefer a caller that selects nothing: it is the one that runs the N+1.
        return min(
            querysets,
            key=lambda q: (len(q.select) + len(q.prefetch) + q.select_all, q.uncertain),
        )

    def _call_sites_in_workspace(self, function: Any) -> list[tuple[Evaluator, Any]]:
        """Calls of `function` in modules that import it by name (a text search first, then
        the import is checked), at most a few files: cheap enough for every keystroke."""
        name = function.name.value
        module = module_map(self.project)
        own = dotted_name_of(self.path)
        sites: list[tuple[Evaluator, Any]] = []
        for path, text in workspace_texts(self.project).items():
            if path == self.path:
                continue
            if name not in text or own.rsplit(".", 1)[-1] not in text:
                continue
            tree = tree_of(self.project, path)
            source = imported_symbol(tree, name, path) if tree is not None else None
            if (
                source is None
                or source[1] != name
                or module.path_of(source[0]) != self.path
            ):
                continue
            evaluator = Evaluator(
                self.project, path, tree, jedi_budget=self.jedi_budget
            )
            sites.extend(
                (evaluator, use)
                for use in tree.get_used_names().get(name, [])
                if not use.is_definition()
            )
            if len(sites) >= 10:
                break
        return sites

    def _call_sites_elsewhere(self, function: Any) -> list[tuple[Evaluator, Any]]:
        """Calls of `function` in other modules, found by jedi (time-boxed per file)."""
        name = function.name
        found = jedi_adapter.call_sites(
            str(self.project.root),
            self.path,
            self.tree.get_code(),
            name.start_pos[0],
            name.start_pos[1],
            self.jedi_budget,
        )
        sites = []
        for path, line, column in found[:10]:
            path = os.path.abspath(path)
            if path == self.path or not path.startswith(str(self.project.root)):
                continue
            tree = tree_of(self.project, path)
            leaf = (
                tree.get_leaf_for_position((line, column)) if tree is not None else None
            )
            if leaf is not None and leaf.type == "name" and leaf.value == name.value:
                sites.append(
                    (
                        Evaluator(
                            self.project, path, tree, jedi_budget=self.jedi_budget
                        ),
                        leaf,
                    )
                )
        return sites

    def _annotated(self, annotation: Any, depth: int) -> Any:
        """`Book`, `"Book"`, `QuerySet[Book]`, `Iterable[Book]` annotations."""
        text = code_of(annotation).strip("\"'")
        head, _, inner = text.partition("[")
        inner = inner.rstrip("]").strip("\"' ")
        if inner and head.rsplit(".", 1)[-1] in (
            "QuerySet",
            "Iterable",
            "list",
            "List",
            "Sequence",
            "Iterator",
            "Manager",
        ):
            model = self.graph.resolve(self.path, self.tree, inner)
            # The annotation names the model, not how the rows were fetched (or built in
            # memory): what they have loaded is unknown, so no finding.
            return (
                QuerySetValue(model.label, origin=None, uncertain=True)
                if model
                else None
            )
        model = self.graph.resolve(self.path, self.tree, head)
        return Instance(model.label) if model else None

    # -- chains -----------------------------------------------------------------------
    def prefix_value(self, node: Any, trailer_count: int) -> Any:
        """The value of a chain's head and its first `trailer_count` trailers."""
        try:
            return self._chain(node, 0, limit=trailer_count)
        except HALF_TYPED_CODE_ERRORS:
            return None

    def _chain(self, node: Any, depth: int, limit: int | None = None) -> Any:
        children = node.children
        start = 0
        if children[0] == "await":
            start = 1
        head = children[start]
        trailers = children[start + 1 :]
        if limit is not None:
            trailers = trailers[:limit]
        value = self._head(head, trailers, depth)
        index = 1 if value is not None and isinstance(value, _Consumed) else 0
        if isinstance(value, _Consumed):
            value = value.value
        position = index
        while position < len(trailers):
            if value is None:
                return None
            result = self.trailer(
                value, trailers[position], trailers, position, node, depth
            )
            # an attribute and its call, consumed together
            if isinstance(result, _Skip):
                value, position = result.value, position + 2
            else:
                value, position = result, position + 1
        return value

    def _head(self, head: Any, trailers: list[Any], depth: int) -> Any:
        if head.type != "name":
            return self.value(head, depth)
        name = head.value
        call = trailers[0] if trailers and trailers[0].children[0] == "(" else None
        if call is not None and name in (
            "list",
            "sorted",
            "tuple",
            "set",
            "reversed",
            "enumerate",
            "iter",
            "get_user_model",
        ):
            return _Consumed(self._builtin(name, call, depth))
        if call is not None:
            result = self._call_function(head, call, depth)
            if result is not None:
                return _Consumed(result)
        return self.name_value(head, depth)

    def _builtin(self, name: str, call: Any, depth: int) -> Any:
        if name == "get_user_model":
            label = (
                self.graph.user_model_label()
                if hasattr(self.graph, "user_model_label")
                else None
            )
            return ModelClass(label) if label else None
        args, _ = call_arguments(call.children[1] if len(call.children) == 3 else None)
        if not args:
            return None
        inner = self.value(args[0], depth)
        if name == "enumerate":
            return Enumerated(inner) if inner is not None else None
        if isinstance(inner, QuerySetValue):
            return replace(inner, evaluated=True)
        return None

    def trailer(
        self,
        value: Any,
        trailer: Any,
        trailers: list[Any],
        position: int,
        chain: Any,
        depth: int,
    ) -> Any:
        first = trailer.children[0]
        nxt = trailers[position + 1] if position + 1 < len(trailers) else None
        if first == "[":
            return self._subscript(value, trailer)
        if first == "(":
            return None  # calls are handled with their attribute (see below)
        attribute = trailer.children[1].value
        is_call = nxt is not None and nxt.children[0] == "("
        if isinstance(value, ModuleRef):
            return self._module_attribute(
                value, attribute, trailer, nxt, chain, is_call, depth
            )
        if isinstance(value, ModelClass):
            return self._manager(value, attribute, trailer, chain)
        if isinstance(value, SelfOf):
            return self._self_attribute(
                value, attribute, trailer, chain, is_call, depth
            )
        if isinstance(value, QuerySetValue):
            if not is_call:
                return None
            return _Skip(self.queryset_method(value, attribute, nxt, chain, depth))
        if isinstance(value, RelatedManager):
            if not is_call:
                return None
            return _Skip(self._related_method(value, attribute))
        if isinstance(value, Instance):
            return self._instance_attribute(value, attribute)
        return None

    def _subscript(self, value: Any, trailer: Any) -> Any:
        inner = trailer.children[1]
        if isinstance(value, QuerySetValue):
            if inner.type == "subscript" or ":" in code_of(inner):
                return value  # slicing keeps the queryset (S04/S05)
            return Instance(value.model, source=value)
        return None

    # -- managers and querysets -------------------------------------------------------
    def _manager(
        self, value: ModelClass, attribute: str, trailer: Any, chain: Any
    ) -> Any:
        model = self.graph.get(value.model)
        if model is None:
            return None
        if (
            attribute in ("objects", "_default_manager", "_base_manager")
            or attribute in model.managers
        ):
            manager = model.managers.get(attribute)
            origin = Origin(
                self.path,
                chain,
                trailer,
                in_workspace(self.project, self.path),
                search_ancestor(chain, "funcdef", "classdef", "file_input"),
            )
            queryset = QuerySetValue(model.label, origin=origin)
            if (
                manager is not None
                and manager.queryset_class is None
                and manager.methods
            ):
                queryset = self._seed_from_manager(queryset, manager)
            return queryset
        return None

    def _seed_from_manager(
        self, queryset: QuerySetValue, manager: Any
    ) -> QuerySetValue:
        """A manager whose `get_queryset` calls `select_related(...)` seeds that state."""
        method = manager.methods.get("get_queryset")
        if method is None:
            return queryset
        for call in _calls_named(method, ("select_related", "prefetch_related")):
            name, args = call
            lookups = [string_value(a) for a in call_arguments(args)[0]]
            if name == "select_related":
                if not lookups:
                    queryset = replace(queryset, select_all=True)
                elif all(lookups):
                    queryset = replace(queryset, select=queryset.select | set(lookups))
            elif all(lookups):
                queryset = replace(
                    queryset,
                    prefetch=queryset.prefetch
                    + tuple(PrefetchEntry(x) for x in lookups),
                )
        return queryset

    def queryset_method(
        self, queryset: QuerySetValue, method: str, call: Any, chain: Any, depth: int
    ) -> Any:
        args = call.children[1] if len(call.children) == 3 else None
        if method in SAME_QS:
            return self._same(queryset, method, call, args)
        if method == "select_related":
            return self._select_related(queryset, call, args)
        if method == "prefetch_related":
            return self._prefetch_related(queryset, call, args, depth)
        if method == "iterator":
            bare = "chunk_size" not in code_of(call) and not call_arguments(args)[0]
            return replace(queryset, iterator_call=call if bare else None)
        if method in VALUES:
            return replace(queryset, values=True)
        if method == "raw":
            # A RawQuerySet yields instances but cannot select_related: findings, no fix.
            return replace(
                queryset, origin=None, raw=True, select_calls=(), prefetch_calls=()
            )
        if method in SINGLE:
            return Instance(queryset.model, source=queryset)
        if method in SCALAR:
            return None
        return self._custom_method(queryset, method, call, depth)

    def _same(
        self, queryset: QuerySetValue, method: str, call: Any, args: Any
    ) -> QuerySetValue:
        if method in ("union", "intersection", "difference"):
            return replace(queryset, has_union=True)
        if method in ("only", "defer"):
            names = [string_value(a) for a in call_arguments(args)[0]]
            if not all(names) or any("__" in n for n in names):
                return replace(queryset, uncertain=True)
            if method == "only":
                return replace(queryset, only=frozenset(names), only_call=call)
            return replace(
                queryset, deferred=(queryset.deferred or frozenset()) | frozenset(names)
            )
        return queryset

    def _select_related(
        self, queryset: QuerySetValue, call: Any, args: Any
    ) -> QuerySetValue:
        positional, _ = call_arguments(args)
        lookups = [string_value(a) for a in positional]
        calls = queryset.select_calls + (call,)
        if not positional:
            return replace(queryset, select_all=True, select_calls=calls)
        if not all(lookups):
            return replace(queryset, uncertain=True, select_calls=calls)
        if len(positional) == 1 and code_of(positional[0]).strip() == "None":
            return replace(
                queryset, select=frozenset(), select_all=False, select_calls=calls
            )
        return replace(
            queryset, select=queryset.select | frozenset(lookups), select_calls=calls
        )

    def _prefetch_related(
        self, queryset: QuerySetValue, call: Any, args: Any, depth: int
    ) -> QuerySetValue:
        entries = list(queryset.prefetch)
        uncertain = queryset.uncertain
        for argument in call_arguments(args)[0]:
            lookup = string_value(argument)
            if lookup is not None:
                entries.append(PrefetchEntry(lookup, node=argument))
                continue
            entry = self._prefetch_object(argument, queryset.model, depth)
            if entry is None:
                uncertain = True
            else:
                entries.append(entry)
        if (
            len(call_arguments(args)[0]) == 1
            and code_of(call_arguments(args)[0][0]).strip() == "None"
        ):
            entries, uncertain = [], queryset.uncertain
        return replace(
            queryset,
            prefetch=tuple(entries),
            uncertain=uncertain,
            prefetch_calls=queryset.prefetch_calls + (call,),
        )

    def _prefetch_object(
        self, node: Any, model: str, depth: int
    ) -> PrefetchEntry | None:
        """`Prefetch("lookup", queryset=..., to_attr=...)`, also through a variable."""
        if node.type == "name":
            definition = self._definition(node)
            statement = definition.get_definition() if definition is not None else None
            if (
                statement is None
                or statement.type != "expr_stmt"
                or statement.children[0] is not definition
            ):
                return None
            node = statement.children[-1]
        if node.type not in ("atom_expr", "power") or code_of(node.children[0]) not in (
            "Prefetch",
            "models",
        ):
            return None
        call = node.children[-1]
        if call.type != "trailer" or call.children[0] != "(":
            return None
        positional, keywords = call_arguments(
            call.children[1] if len(call.children) == 3 else None
        )
        lookup = string_value(positional[0]) if positional else None
        if lookup is None:
            return None
        inner_node = keywords.get("queryset") or (
            positional[1] if len(positional) > 1 else None
        )
        inner = self.value(inner_node, depth + 1) if inner_node is not None else None
        to_attr_node = keywords.get("to_attr") or (
            positional[2] if len(positional) > 2 else None
        )
        to_attr = string_value(to_attr_node) if to_attr_node is not None else None
        return PrefetchEntry(
            lookup, to_attr, inner if isinstance(inner, QuerySetValue) else None, node
        )

    def _custom_method(
        self, queryset: QuerySetValue, method: str, call: Any, depth: int
    ) -> Any:
        """A custom QuerySet/Manager method: summarise its `return` (depth-limited)."""
        model = self.graph.get(queryset.model)
        if model is None:
            return replace(queryset, uncertain=True)
        for manager in model.managers.values():
            function = manager.methods.get(method)
            if function is None:
                continue
            result = self._summarise_method(function, queryset, manager, depth)
            origin = queryset.origin
            if origin is not None and method in manager.manager_only:
                # `Book.objects.recent()` returns a QuerySet without `recent`: insert after it.
                origin = replace(origin, insert_after=call)
            if isinstance(result, QuerySetValue):
                return replace(
                    result,
                    origin=origin,
                    select_calls=queryset.select_calls + result.select_calls,
                    prefetch_calls=queryset.prefetch_calls + result.prefetch_calls,
                )
            return result
        return replace(queryset, uncertain=True)

    def _summarise_method(
        self, function: Any, queryset: QuerySetValue, manager: Any, depth: int
    ) -> Any:
        if depth >= MAX_DEPTH:
            return replace(queryset, uncertain=True)
        path = manager.path or self.path
        evaluator = (
            self
            if path == self.path
            else Evaluator(self.project, path, tree_of(self.project, path))
        )
        self_param = _first_param(function)
        returns = _returns(function)
        if self_param is None or len(returns) != 1:
            return replace(queryset, uncertain=True)
        seed = replace(queryset, select_calls=(), prefetch_calls=())
        for leaf in _name_leaves(function, self_param.value):
            evaluator.bindings[id(leaf)] = seed
        value = evaluator.value(returns[0], depth + 1)
        if isinstance(value, QuerySetValue):
            # The method's own select_related calls are not where a fix should go.
            return replace(value, select_calls=(), prefetch_calls=())
        return value

    # -- instances and relations ------------------------------------------------------
    def _instance_attribute(self, instance: Instance, attribute: str) -> Any:
        relation = self.graph.field(instance.model, attribute)
        if relation is None or relation.kind == "field" or relation.target is None:
            return None
        if relation.kind in ("fk", "o2o", "reverse_o2o"):
            return Instance(relation.target, instance.loop, (*instance.path, attribute))
        if relation.kind in ("m2m", "reverse_fk", "reverse_m2m"):
            return RelatedManager(instance, relation)
        return None

    def _related_method(self, manager: RelatedManager, method: str) -> Any:
        owner = manager.owner
        if method == "all":
            return QuerySetValue(
                manager.field.target, related_from=owner, relation=manager.field.name
            )
        if method in SAME_QS or method in SINGLE:
            return None
        return None

    # -- functions and classes --------------------------------------------------------
    def _call_function(self, head: Any, call: Any, depth: int) -> Any:
        """`published_books()` in this module or imported from the workspace."""
        if depth >= MAX_DEPTH:
            return None
        function, path = self._function_named(head)
        if function is None:
            return None
        return self._function_result(function, path, call, depth)

    def _module_attribute(
        self,
        module: ModuleRef,
        attribute: str,
        trailer: Any,
        call: Any,
        chain: Any,
        is_call: bool,
        depth: int,
    ) -> Any:
        """`services.published_books()` and `models.Book` through a module imported by name."""
        if not is_call:
            model = self.graph.model_named(module.dotted, attribute)
            return ModelClass(model.label) if model is not None else None
        tree = tree_of(self.project, module.path)
        function = (
            next((f for f in tree.iter_funcdefs() if f.name.value == attribute), None)
            if tree
            else None
        )
        if function is None:
            return None
        return _Skip(self._function_result(function, module.path, call, depth))

    def _function_result(self, function: Any, path: str, call: Any, depth: int) -> Any:
        """The queryset a function returns, to be fixed at this call site."""
        returns = _returns(function)
        if len(returns) != 1 or depth >= MAX_DEPTH:
            return None
        evaluator = (
            self
            if path == self.path
            else Evaluator(self.project, path, tree_of(self.project, path))
        )
        value = evaluator.value(returns[0], depth + 1)
        if not isinstance(value, QuerySetValue):
            return value if isinstance(value, Instance) else None
        chain = call.parent
        origin = Origin(
            self.path,
            chain,
            call,
            in_workspace(self.project, self.path),
            search_ancestor(chain, "funcdef", "classdef", "file_input"),
        )
        return replace(
            value, origin=origin, select_calls=(), prefetch_calls=(), iterator_call=None
        )

    def _function_named(self, head: Any) -> tuple[Any | None, str]:
        definition = self._definition(head)
        if definition is not None:
            parent = definition.parent
            if parent.type == "funcdef" and parent.name is definition:
                return parent, self.path
            statement = definition.get_definition()
            if statement is not None and statement.type == "import_from":
                source = imported_symbol(self.tree, head.value, self.path)
                if source is not None:
                    target_path = module_map(self.project).path_of(source[0])
                    if target_path is not None:
                        tree = tree_of(self.project, target_path)
                        if tree is not None:
                            for function in tree.iter_funcdefs():
                                if function.name.value == source[1]:
                                    return function, target_path
        return None, self.path

    def _self_attribute(
        self,
        value: SelfOf,
        attribute: str,
        trailer: Any,
        chain: Any,
        is_call: bool,
        depth: int,
    ) -> Any:
        """CBVs: `self.get_queryset()`, `self.object_list`, `self.queryset`, `self.model`."""
        cls = value.classdef
        if attribute in ("get_queryset", "object_list", "queryset") and not (
            attribute == "get_queryset" and not is_call
        ):
            queryset = class_queryset(self, cls, depth)
            if queryset is None:
                return None
            if attribute == "get_queryset":
                origin = Origin(
                    self.path, chain, None, True, search_ancestor(chain, "funcdef")
                )
                return _Skip(
                    replace(queryset, origin=origin, select_calls=(), prefetch_calls=())
                )
            return queryset if queryset.origin is not None else None
        if attribute == "model":
            model = _class_attribute(cls, "model")
            return self.value(model, depth + 1) if model is not None else None
        return None


@dataclass(frozen=True)
class SelfOf:
    classdef: Any


@dataclass(frozen=True)
class _Consumed:
    """A head value that already used the first trailer (a call)."""

    value: Any


@dataclass(frozen=True)
class _Skip:
    """A value computed from an attribute and its call: the call trailer is consumed."""

    value: Any


def class_queryset(evaluator: Evaluator, cls: Any, depth: int) -> QuerySetValue | None:
    """The queryset of a CBV/DRF view: `get_queryset()` override, `queryset =`, `model =`."""
    for function in cls.iter_funcdefs():
        if function.name.value == "get_queryset":
            returns = _returns(function)
            if len(returns) == 1:
                value = evaluator.value(returns[0], depth + 1)
                return value if isinstance(value, QuerySetValue) else None
            return None
    attribute = _class_attribute(cls, "queryset")
    if attribute is not None:
        value = evaluator.value(attribute, depth)
        return value if isinstance(value, QuerySetValue) else None
    model_node = _class_attribute(cls, "model")
    if model_node is not None:
        model = evaluator.value(model_node, depth)
        if isinstance(model, ModelClass):
            origin = Origin(
                evaluator.path,
                model_node,
                None,
                in_workspace(evaluator.project, evaluator.path),
                cls,
                kind="class_model",
            )
            return QuerySetValue(model.model, origin=origin)
    return None


def _class_attribute(cls: Any, name: str) -> Any | None:
    for child in cls.get_suite().children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            statement = child.children[0]
            if (
                statement.children[0].type == "name"
                and statement.children[0].value == name
                and len(statement.children) == 3
            ):
                return statement.children[2]
    return None


def _with_prefetch_objects(
    queryset: QuerySetValue, definition: Any, use: Any
) -> QuerySetValue:
    """`prefetch_related_objects(books, "author")` between the assignment and the use (S11)."""
    for leaf in (
        definition.get_root_node().get_used_names().get("prefetch_related_objects", [])
    ):
        if not definition.start_pos < leaf.start_pos < use.start_pos:
            continue
        trailer = leaf.get_next_sibling()
        if (
            trailer is None
            or trailer.type != "trailer"
            or trailer.children[0] != "("
            or len(trailer.children) != 3
        ):
            continue
        positional, _ = call_arguments(trailer.children[1])
        if not positional or code_of(positional[0]) != definition.value:
            continue
        lookups = [string_value(a) for a in positional[1:]]
        if not all(lookups):
            return replace(queryset, uncertain=True)
        queryset = replace(
            queryset,
            prefetch=queryset.prefetch + tuple(PrefetchEntry(x) for x in lookups),
        )
    return queryset


register_fact("python_texts", FileRole.PYTHON)


def workspace_texts(project: ProjectIndex) -> dict[str, str]:
    """Every workspace Python file's text (open buffers first), read once per change."""

    def build(project: ProjectIndex) -> dict[str, str]:
        texts = {}
        for path in project.python_files():
            text = project.read(path)
            if text:
                texts[path] = text
        return texts

    return project.fact("python_texts", build)


def _scope_of(leaf: Any) -> Any:
    """The scope a name lives in; a function's or class's own name lives outside it."""
    parent = leaf.parent
    if parent.type in ("funcdef", "classdef") and parent.name is leaf:
        return search_ancestor(parent, *SCOPES)
    return search_ancestor(leaf, *SCOPES)


def _binds_itself(candidate: Any, leaf: Any) -> bool:
    """`qs = qs.filter()`: the target of an assignment is not visible in its own value."""
    statement = candidate.get_definition()
    return (
        statement is not None
        and statement.type == "expr_stmt"
        and statement.start_pos <= leaf.start_pos < statement.end_pos
    )


_COMPREHENSIONS = ("testlist_comp", "dictorsetmaker", "argument")


def _comprehension_binding(leaf: Any) -> Any | None:
    """The target of an enclosing comprehension's `for` that binds `leaf`'s name.

    Comprehension variables are used before they are defined in the source
    (`[b.x for b in qs]`), so the position-based lookup cannot find them.
    """
    node = leaf.parent
    while node is not None and node.type not in ("funcdef", "classdef", "file_input"):
        if node.type in _COMPREHENSIONS:
            for child in node.children:
                if child.type in ("sync_comp_for", "comp_for"):
                    for target in _comp_targets(child):
                        if target.value == leaf.value and target is not leaf:
                            return target
        node = node.parent
    return None


def _comp_targets(comp: Any) -> list[Any]:
    targets = []
    while comp is not None and comp.type in ("sync_comp_for", "comp_for"):
        if comp.type == "comp_for":  # `async for`
            comp = comp.children[1]
        target = comp.children[1]
        targets.extend(
            [target]
            if target.type == "name"
            else [c for c in target.children if c.type == "name"]
        )
        following = comp.children[4] if len(comp.children) > 4 else None
        while following is not None and following.type == "comp_if":
            following = following.children[2] if len(following.children) > 2 else None
        comp = following
    return targets


def _returns(function: Any) -> list[Any]:
    results = []
    for statement in function.iter_return_stmts():
        if statement.type == "return_stmt" and len(statement.children) == 2:
            results.append(statement.children[1])
    return results


def _first_param(function: Any) -> Any | None:
    params = function.get_params()
    return params[0].name if params else None


def _name_leaves(function: Any, name: str) -> list[Any]:
    used = function.get_root_node().get_used_names().get(name, [])
    start, end = function.start_pos, function.end_pos
    return [leaf for leaf in used if start <= leaf.start_pos < end]


def _calls_named(function: Any, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    found = []
    for node in _iter(function):
        if (
            node.type == "trailer"
            and node.children[0] == "."
            and node.children[1].value in names
        ):
            following = node.get_next_sibling()
            if (
                following is not None
                and following.type == "trailer"
                and following.children[0] == "("
            ):
                args = following.children[1] if len(following.children) == 3 else None
                found.append((node.children[1].value, args))
    return found


def _iter(node: Any):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(getattr(current, "children", ()))


__all__ = [
    "Evaluator",
    "QuerySetValue",
    "ModelClass",
    "Instance",
    "RelatedManager",
    "Enumerated",
    "Loop",
    "PrefetchEntry",
    "Origin",
    "ModelInfo",
    "class_queryset",
]
