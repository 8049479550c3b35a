"""Loop analysis: relation accesses on the instances of a queryset loop.

For every `for` loop and comprehension whose iterable resolves to a queryset, the
loop variable is bound to an `Instance` and every attribute chain rooted at it is
walked through the model graph. Relations reached through model methods, properties,
`__str__` and helper functions called with the loop variable are followed too
(depth-limited), and reported at the call in the loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from parso.tree import search_ancestor

from djvet.core.model import Span
from djvet.core.parso_utils import iter_nodes
from djvet.project.index import ProjectIndex
from djvet.project.models import FieldInfo
from djvet.project.modules import imported_symbol, in_workspace, module_map, tree_of
from djvet.project.querysets import (
    BYPASS,
    CACHE_SERVED,
    Enumerated,
    Evaluator,
    Instance,
    Loop,
    Origin,
    QuerySetValue,
    RelatedManager,
)

SUMMARY_DEPTH = 2
NOT_SUMMARISED = {
    "save",
    "delete",
    "clean",
    "full_clean",
    "refresh_from_db",
    "validate_unique",
    "clean_fields",
    "save_base",
    "asave",
    "adelete",
}
SELECT, PREFETCH, BYPASSED, FK_ID, DEFERRED = (
    "select",
    "prefetch",
    "bypass",
    "fk_id",
    "deferred",
)


@dataclass(frozen=True)
class Access:
    kind: str  # select / prefetch / bypass / fk_id
    span: Span  # where to report, in the analysed file
    loop: Loop | None
    path: tuple[str, ...]  # relation attributes from the loop's root queryset
    relation: FieldInfo
    text: str  # the expression as written, e.g. `book.author`
    via: str | None = None  # "Book.__str__" when found through a method or helper
    method: str | None = None  # related-manager method for bypass accesses
    id_span: Span | None = None  # `.author.id` → the part a DJV109 fix rewrites
    # for accesses outside loops: what loaded the instance
    source: QuerySetValue | None = None

    @property
    def queryset(self) -> QuerySetValue | None:
        return self.loop.queryset if self.loop is not None else self.source


@dataclass
class Analysis:
    accesses: list[Access] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)


def analyse(project: ProjectIndex, path: str, tree: Any) -> Analysis:
    evaluator = Evaluator(project, path, tree)
    analysis = Analysis()
    pending, id_chains = _walk(tree)
    # Inner loops over a relation of an outer loop's variable can only be bound once the
    # outer loop is; comprehensions list their inner loops first, so retry a few passes.
    for _ in range(3):
        unbound = []
        for node in pending:
            bound = _bind_loop(evaluator, node)
            if bound is None:
                unbound.append(node)
                continue
            loop, target = bound
            if loop not in analysis.loops:
                analysis.loops.append(loop)
            _Scanner(evaluator, loop, analysis).scan_uses(
                target, _body(node), anchor=None, via=None, depth=0
            )
        if len(unbound) == len(pending):
            break
        pending = unbound
    _fk_ids_outside_loops(evaluator, id_chains, analysis)
    analysis.accesses = _first_per_path(analysis.accesses)
    return analysis


def _read_before(chain: Any, index: int) -> bool:
    """Whether `head.fk` was read (not just `.id`) earlier in the same function."""
    function = search_ancestor(chain, "funcdef", "file_input")
    prefix = "".join(
        c.get_code(include_prefix=False) for c in chain.children[: index + 2]
    )
    start = function.start_pos
    before = _source_between(function, start, chain.start_pos)
    pattern = re.compile(rf"\b{re.escape(prefix)}\b(?!\.(?:id|pk)\b|_id\b)")
    return bool(pattern.search(before))


def _source_between(node: Any, start: tuple[int, int], end: tuple[int, int]) -> str:
    lines = node.get_code(include_prefix=False).splitlines()
    first_line = start[0]
    wanted = lines[: end[0] - first_line + 1]
    if wanted:
        wanted[-1] = wanted[-1][: end[1] - (start[1] if end[0] == first_line else 0)]
    return "\n".join(wanted)


def _first_per_path(accesses: list[Access]) -> list[Access]:
    """Only the first read of a relation in a loop runs the query; the object is then
    cached on the instance (`book.author` twice is one query per row, not two)."""
    seen: set[tuple[object, tuple[str, ...], str]] = set()
    result = []
    for access in sorted(
        accesses, key=lambda a: (a.span.start_line, a.span.start_column)
    ):
        owner = id(access.loop) if access.loop is not None else access.span
        key = (owner, access.path, "read")
        if access.kind == BYPASSED or key not in seen:
            seen.add(key)
            result.append(access)
    return result


def _fk_ids_outside_loops(
    evaluator: Evaluator, chains: list[Any], analysis: Analysis
) -> None:
    """`order.customer.id` on an instance from `.get()`/`.first()`/`[0]` (DJV109)."""
    in_loops = {(a.span.start_line, a.span.start_column) for a in analysis.accesses}
    for node in chains:
        if (
            node.children[0].type != "name"
            or ".id" not in (code := node.get_code(include_prefix=False))
            and ".pk" not in code
        ):
            continue
        trailers = node.children[1:]
        if any(t.type != "trailer" for t in trailers):
            continue  # `x ** y` and friends
        for index in range(len(trailers) - 1):
            last = trailers[index + 1]
            if (
                trailers[index].children[0] != "."
                or last.children[0] != "."
                or last.children[1].value not in ("id", "pk")
                or (
                    index + 2 < len(trailers) and trailers[index + 2].children[0] == "("
                )
            ):
                continue
            span = Span.between(node.children[0], trailers[index])
            if (span.start_line, span.start_column) in in_loops:
                continue
            owner = evaluator.prefix_value(node, index)
            if not isinstance(owner, Instance) or owner.loop is not None:
                continue
            relation = evaluator.graph.field(
                owner.model, trailers[index].children[1].value
            )
            if relation is None or relation.kind not in ("fk", "o2o"):
                continue
            if _read_before(node, index):
                continue  # the related object is already loaded (and cached) by then
            analysis.accesses.append(
                Access(
                    FK_ID,
                    span,
                    None,
                    (*owner.path, relation.name),
                    relation,
                    _text(node, index),
                    id_span=Span.between(trailers[index].children[0], last),
                    source=owner.source,
                )
            )


# -- loops -----------------------------------------------------------------------------
def _walk(tree: Any) -> tuple[list[Any], list[Any]]:
    """One pass over the tree: loops, and chains ending in `.id`/`.pk` (for DJV109)."""
    loops = list(iter_nodes(tree, {"for_stmt", "sync_comp_for"}))
    id_chains = []
    for node in iter_nodes(tree, {"atom_expr", "power"}):
        if len(node.children) >= 3:
            last = node.children[-1]
            if (
                last.type == "trailer"
                and last.children[0] == "."
                or len(node.children) > 3
            ):
                id_chains.append(node)
    return loops, id_chains


def _iterable(node: Any) -> Any:
    return node.children[3]


def _target_node(node: Any) -> Any:
    return node.children[1]


def _body(node: Any) -> list[Any]:
    if node.type == "for_stmt":
        return [node.children[5]]
    # A comprehension: the element expression(s) and what follows the iterable.
    parent = node.parent
    if parent.type == "comp_for":  # `async for`
        parent = parent.parent
    body = [
        child
        for child in parent.children
        if child is not node and child is not node.parent
    ]
    body.extend(node.children[4:])
    return body


def _bind_loop(evaluator: Evaluator, node: Any) -> tuple[Loop, Any] | None:
    """Bind the loop variable to an `Instance` when the loop iterates a queryset."""
    iterable = evaluator.value(_iterable(node))
    target = _target_node(node)
    if iterable is None and _worth_asking_jedi(node, target):
        evaluator.allow_jedi = True
        try:
            iterable = evaluator.value(_iterable(node))
        finally:
            evaluator.allow_jedi = False
    if isinstance(iterable, Enumerated) and target.type in (
        "exprlist",
        "testlist_star_expr",
    ):
        names = [c for c in target.children if c != ","]
        if len(names) != 2 or names[1].type != "name":
            return None
        iterable, target = iterable.inner, names[1]
    elif target.type != "name":
        return None
    if not isinstance(iterable, QuerySetValue) or iterable.values:
        return None
    if iterable.related_from is not None and iterable.related_from.loop is None:
        # `for item in order.items.all()` outside any loop: a queryset of its own, fixed
        # by appending to the call (`order.items.all().select_related("book")`).
        chain = _iterable(node)
        if chain.type not in ("atom_expr", "power"):
            return None
        origin = Origin(
            evaluator.path,
            chain,
            None,
            in_workspace(evaluator.project, evaluator.path),
            search_ancestor(chain, "funcdef", "classdef", "file_input"),
        )
        iterable = replace(iterable, related_from=None, relation=None, origin=origin)
    if iterable.related_from is not None:
        # `for c in book.chapters.all()` inside a loop over books: c extends book's path.
        owner = iterable.related_from
        loop = owner.loop
        instance = Instance(iterable.model, loop, (*owner.path, iterable.relation))
    else:
        loop = Loop(node, iterable, target.value)
        instance = Instance(iterable.model, loop, ())
    evaluator.bindings[id(target)] = instance
    return loop, target


_CONSUMERS = {
    "list",
    "len",
    "sorted",
    "tuple",
    "set",
    "sum",
    "any",
    "all",
    "enumerate",
    "iter",
    "reversed",
    "min",
    "max",
    "dict",
    "frozenset",
    "str",
    "print",
    "bool",
}


def _passed_to_unknown_function(chain: Any) -> bool:
    """Whether the chain's value goes to a call other than a builtin that iterates it."""
    parent = chain.parent
    if parent.type == "argument":
        parent = parent.parent
    if parent.type == "arglist":
        parent = parent.parent
    if parent.type != "trailer" or parent.children[0] != "(":
        return False
    call = parent.parent
    head = call.children[0]
    return not (
        len(call.children) == 2 and head.type == "name" and head.value in _CONSUMERS
    )


def _worth_asking_jedi(node: Any, target: Any) -> bool:
    """jedi costs ~100 ms: ask it only for a loop over a bare name (a parameter) whose
    variable is used like a model instance with relations (`x.a.b` or `x.a.all()`)."""
    iterable = _iterable(node)
    if iterable.type != "name" or target.type != "name":
        return False
    for use in _uses(target, _body(node)):
        chain = use.parent
        if (
            chain.type in ("atom_expr", "power")
            and chain.children[0] is use
            and len(chain.children) >= 3
            and all(t.type == "trailer" for t in chain.children[1:3])
            and chain.children[1].children[0] == "."
            and chain.children[2].children[0] in (".", "(")
        ):
            return True
    return False


class _Scanner:
    def __init__(self, evaluator: Evaluator, loop: Loop, analysis: Analysis) -> None:
        self.evaluator = evaluator
        self.loop = loop
        self.analysis = analysis
        self.graph = evaluator.graph

    def scan_uses(
        self,
        definition: Any,
        body: list[Any],
        *,
        anchor: Any,
        via: str | None,
        depth: int,
    ) -> None:
        """Every use of the name bound at `definition` inside `body`."""
        instance = self.evaluator.bindings.get(id(definition))
        if not isinstance(instance, Instance):
            return
        for use in _uses(definition, body):
            if self.evaluator._definition(use) is not definition:
                continue
            self._use(use, instance, anchor, via, depth)

    def _use(
        self, leaf: Any, instance: Instance, anchor: Any, via: str | None, depth: int
    ) -> None:
        parent = leaf.parent
        if parent.type in ("atom_expr", "power") and parent.children[0] is leaf:
            self._chain(parent, instance, anchor, via, depth)
        elif depth < SUMMARY_DEPTH:
            self._passed_along(leaf, instance, anchor, via, depth)

    def _chain(
        self, chain: Any, instance: Instance, anchor: Any, via: str | None, depth: int
    ) -> None:
        trailers = chain.children[1:]
        if any(t.type != "trailer" for t in trailers):
            return
        value: Any = instance
        for index, trailer in enumerate(trailers):
            if trailer.children[0] != ".":
                return
            attribute = trailer.children[1].value
            following = trailers[index + 1] if index + 1 < len(trailers) else None
            is_call = following is not None and following.children[0] == "("
            span = Span.between(chain.children[0], trailer)
            if isinstance(value, Instance):
                value = self._instance_step(
                    value,
                    attribute,
                    chain,
                    index,
                    trailers,
                    span,
                    anchor,
                    via,
                    depth,
                    is_call,
                )
            elif isinstance(value, RelatedManager):
                self._manager_step(
                    value, attribute, span, chain, index, anchor, via, is_call
                )
                return
            else:
                return
            if value is None or value is _STOP:
                return
            if _assigned(chain, index, trailers):
                return

    def _instance_step(
        self,
        value: Instance,
        attribute: str,
        chain: Any,
        index: int,
        trailers: list[Any],
        span: Span,
        anchor: Any,
        via: str | None,
        depth: int,
        is_call: bool,
    ) -> Any:
        relation = self.graph.field(value.model, attribute)
        # Deferred columns only in the loop itself: methods often guard their reads
        # (`hasattr(self, "body_length")`), which this analysis cannot see.
        if (
            relation is not None
            and relation.kind == "field"
            and anchor is None
            and self._deferred(value, relation)
        ):
            if not _assigned(chain, index, trailers):
                self._add(
                    DEFERRED,
                    span if anchor is None else anchor,
                    (attribute,),
                    relation,
                    _text(chain, index),
                    via,
                )
            return _STOP
        if relation is None or relation.kind == "field" or relation.target is None:
            if relation is None and depth < SUMMARY_DEPTH:
                self._method_summary(value, attribute, span, anchor, via, depth)
            return _STOP
        if _assigned(chain, index, trailers):
            return _STOP  # `book.author = other` sets the relation, it does not read it
        path = (*value.path, attribute)
        text = _text(chain, index)
        if relation.kind in ("fk", "o2o", "reverse_o2o"):
            following = trailers[index + 1] if index + 1 < len(trailers) else None
            if (
                relation.kind in ("fk", "o2o")
                and following is not None
                and following.children[0] == "."
                and following.children[1].value in ("id", "pk")
                and (
                    index + 2 >= len(trailers) or trailers[index + 2].children[0] != "("
                )
            ):
                id_span = Span.between(trailer_start(trailers[index]), following)
                self._add(
                    FK_ID,
                    span if anchor is None else anchor,
                    path,
                    relation,
                    text,
                    via,
                    id_span=id_span if anchor is None else None,
                )
                return _STOP
            self._add(
                SELECT, span if anchor is None else anchor, path, relation, text, via
            )
            return Instance(relation.target, value.loop, path)
        if relation.many:
            return RelatedManager(value, relation)
        return _STOP

    def _manager_step(
        self,
        manager: RelatedManager,
        method: str,
        span: Span,
        chain: Any,
        index: int,
        anchor: Any,
        via: str | None,
        is_call: bool,
    ) -> None:
        if not is_call:
            return
        path = (*manager.owner.path, manager.field.name)
        text = _text(chain, index)
        where = (
            Span.between(chain.children[0], chain.children[index + 2])
            if anchor is None
            else anchor
        )
        if method == "all" and _passed_to_unknown_function(chain):
            return  # `helper(book.tags.all())` may filter it: a prefetch might not serve it
        if method in CACHE_SERVED or (
            method == "first" and self._ordered(manager.field.target)
        ):
            # `.first()` on an ordered model only slices the prefetched rows (measured).
            self._add(PREFETCH, where, path, manager.field, text, via, method=method)
        elif method in BYPASS:
            self._add(BYPASSED, where, path, manager.field, text, via, method=method)

    def _deferred(self, value: Instance, relation: FieldInfo) -> bool:
        """A column `only()`/`defer()` left out: reading it loads it, one query per row."""
        if value.path or value.loop is None or relation.options.get("primary_key"):
            return False
        queryset = value.loop.queryset
        if queryset.only is not None:
            return relation.name not in queryset.only and relation.name not in (
                "id",
                "pk",
            )
        return bool(queryset.deferred and relation.name in queryset.deferred)

    def _ordered(self, label: str | None) -> bool:
        info = self.graph.get(label) if label else None
        return bool(info is not None and info.meta.get("ordering"))

    def _add(
        self,
        kind: str,
        span: Span,
        path: tuple[str, ...],
        relation: FieldInfo,
        text: str,
        via: str | None,
        method: str | None = None,
        id_span: Span | None = None,
    ) -> None:
        self.analysis.accesses.append(
            Access(kind, span, self.loop, path, relation, text, via, method, id_span)
        )

    # -- following the instance into methods and helpers -------------------------------
    def _method_summary(
        self,
        value: Instance,
        attribute: str,
        span: Span,
        anchor: Any,
        via: str | None,
        depth: int,
    ) -> None:
        if (
            attribute in NOT_SUMMARISED
            or attribute.startswith("__")
            and attribute != "__str__"
        ):
            return
        model = self.graph.get(value.model)
        function = model.methods.get(attribute) if model is not None else None
        if function is None:
            return
        self._summarise(
            function,
            model.path,
            value,
            anchor or span,
            via or f"{model.name}.{attribute}",
            depth,
        )

    def _passed_along(
        self, leaf: Any, instance: Instance, anchor: Any, via: str | None, depth: int
    ) -> None:
        """`str(book)`, `f"{book}"`, `helper(book)`."""
        call = _enclosing_call(leaf)
        if leaf.parent.type in ("fstring_expr",) or (
            call is not None and call[0] == "str"
        ):
            model = self.graph.get(instance.model)
            function = model.methods.get("__str__") if model is not None else None
            if function is not None:
                where = anchor or Span.of(leaf.parent if call is None else call[2])
                self._summarise(
                    function,
                    model.path,
                    instance,
                    where,
                    via or f"{model.name}.__str__",
                    depth,
                )
            return
        if call is None:
            return
        name, position, node = call
        found = self._function(name)
        if found is None or position is None:
            return
        function, path = found
        params = function.get_params()
        if position >= len(params):
            return
        self._summarise(
            function,
            path,
            instance,
            anchor or Span.of(node),
            via or f"{name}()",
            depth,
            param=params[position].name,
        )

    def _summarise(
        self,
        function: Any,
        path: str,
        instance: Instance,
        anchor: Any,
        via: str,
        depth: int,
        param: Any = None,
    ) -> None:
        if _writes(function):
            # A method that saves or deletes may read relations it just changed: a
            # prefetch would hand it stale rows, so no finding (and no fix) through it.
            return
        if param is None:
            params = function.get_params()
            if not params:
                return
            param = params[0].name
        if path == self.evaluator.path:
            evaluator = self.evaluator
        else:
            tree = tree_of(self.evaluator.project, path)
            if tree is None:
                return
            evaluator = Evaluator(self.evaluator.project, path, tree)
        evaluator.bindings[id(param)] = instance
        scanner = _Scanner(evaluator, self.loop, self.analysis)
        scanner.scan_uses(
            param, [function.children[-1]], anchor=anchor, via=via, depth=depth + 1
        )

    def _function(self, name: str) -> tuple[Any, str] | None:
        evaluator = self.evaluator
        for function in evaluator.tree.iter_funcdefs():
            if function.name.value == name:
                return function, evaluator.path
        source = imported_symbol(evaluator.tree, name, evaluator.path)
        if source is None:
            return None
        target = module_map(evaluator.project).path_of(source[0])
        tree = tree_of(evaluator.project, target) if target else None
        if tree is None:
            return None
        for function in tree.iter_funcdefs():
            if function.name.value == source[1]:
                return function, target
        return None


_STOP = object()
_WRITES = re.compile(
    r"\.(save|delete|create|bulk_create|bulk_update|update|update_or_create|"
    r"get_or_create|add|remove|clear|set|refresh_from_db)\("
)


def _writes(function: Any) -> bool:
    return bool(_WRITES.search(function.get_code(include_prefix=False)))


def trailer_start(trailer: Any) -> Any:
    return trailer.children[0]


def _text(chain: Any, index: int) -> str:
    return "".join(
        c.get_code(include_prefix=False) for c in chain.children[: index + 2]
    )


def _assigned(chain: Any, index: int, trailers: list[Any]) -> bool:
    """True when the chain ends here and is the target of an assignment."""
    if index != len(trailers) - 1:
        return False
    parent = chain.parent
    return (
        parent.type == "expr_stmt"
        and parent.children[0] is chain
        and len(parent.children) >= 3
        and parent.children[1] == "="
    )


def _uses(definition: Any, body: list[Any]) -> list[Any]:
    name = definition.value
    uses = []
    for root in body:
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type == "name" and node.value == name and node is not definition:
                uses.append(node)
            stack.extend(getattr(node, "children", ()))
    return sorted(uses, key=lambda leaf: leaf.start_pos)


def _enclosing_call(leaf: Any) -> tuple[str, int | None, Any] | None:
    """(function name, positional index, call node) when `leaf` is a call argument."""
    node = leaf
    if node.parent.type == "argument":
        return None  # keyword argument: the parameter name is unknown here
    arglist = node.parent
    if arglist.type == "arglist":
        position = [c for c in arglist.children if c != ","].index(node)
        trailer = arglist.parent
    elif arglist.type == "trailer":
        position, trailer = 0, arglist
    else:
        return None
    if trailer.type != "trailer" or trailer.children[0] != "(":
        return None
    chain = trailer.parent
    if (
        chain.type not in ("atom_expr", "power")
        or chain.children[-1] is not trailer
        or len(chain.children) != 2
    ):
        return None
    head = chain.children[0]
    if head.type != "name":
        return None
    return head.value, position, chain


def enclosing_function(node: Any) -> Any:
    return search_ancestor(node, "funcdef", "file_input")
