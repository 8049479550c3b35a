"""Queryset call chains of a module: each `.method(...)` step with its model and the
names valid there (DJV111), and the field paths its arguments name.

`chain_steps()` walks every `atom_expr`; the model of a step comes from the queryset
evaluator (`Book.objects`, a variable, a related manager, a custom method's result).
The names an earlier `annotate()`/`alias()`/`values()` added are gathered from the
same chain and, for a variable, from every assignment to it in its scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.parso_utils import call_arguments, iter_nodes, string_value
from djvet.project.models import ModelGraph, model_graph
from djvet.project.querysets import Evaluator, ModelClass, QuerySetValue, RelatedManager
from djvet.rules.orm._lookups import ADDING, PLAIN, Names, manager_names, step_names

LOOKUP_KEYWORDS = frozenset(
    {
        "filter",
        "exclude",
        "get",
        "aget",
        "get_or_create",
        "aget_or_create",
        "update_or_create",
        "aupdate_or_create",
    }
)
FIELD_STRINGS = frozenset(
    {
        "order_by",
        "values",
        "values_list",
        "only",
        "defer",
        "latest",
        "earliest",
        "alatest",
        "aearliest",
    }
)
EXPRESSIONS = frozenset({"annotate", "alias", "aggregate", "aaggregate"})
CHECKED = LOOKUP_KEYWORDS | FIELD_STRINGS | EXPRESSIONS
KNOWN_STEPS = CHECKED | PLAIN | ADDING | {"values"}
_NOT_LOOKUPS = frozenset({"defaults", "create_defaults"})
_NOT_FIELDS = frozenset({"flat", "named"})
# Functions whose positional strings are field references (`Count("books")`).
_FIELD_FUNCTIONS = frozenset(
    {
        "Count",
        "Sum",
        "Avg",
        "Max",
        "Min",
        "StdDev",
        "Variance",
        "Coalesce",
        "Greatest",
        "Least",
        "Lower",
        "Upper",
        "Length",
        "Trim",
        "LTrim",
        "RTrim",
        "Abs",
        "Concat",
        "ArrayAgg",
        "JSONBAgg",
        "BoolAnd",
        "BoolOr",
        "ExtractYear",
        "ExtractMonth",
        "ExtractDay",
        "ExtractWeek",
        "ExtractWeekDay",
        "ExtractQuarter",
        "ExtractHour",
        "ExtractMinute",
        "ExtractSecond",
        "TruncDate",
        "TruncTime",
        "TruncYear",
        "TruncQuarter",
        "TruncMonth",
        "TruncWeek",
        "TruncDay",
        "TruncHour",
        "TruncMinute",
        "TruncSecond",
    }
)
_FIRST_FIELD = frozenset({"Cast", "Trunc", "Extract", "StringAgg"})
_TRANSPARENT = frozenset({"ExpressionWrapper", "Case", "When"})


@dataclass
class ChainStep:
    """One `.method(...)` call of a queryset chain."""

    model: str
    method: str
    call: Any  # the `(...)` trailer
    names: Names
    # keywords of this annotate()
    own: frozenset[str] = field(default_factory=frozenset)

    @property
    def arguments(self) -> tuple[list[Any], dict[str, Any]]:
        return call_arguments(
            self.call.children[1] if len(self.call.children) == 3 else None
        )

    def names_for(self, node: Any) -> Names:
        """`annotate(a=Count("x"), b=F("a"))`: later keywords may use earlier ones."""
        return (
            Names(self.names.added | self.own, self.names.complete)
            if self.own
            else self.names
        )


def chain_steps(ctx: FileContext, methods: frozenset[str]) -> Iterator[ChainStep]:
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    walker = _Walker(evaluator, model_graph(ctx.project))
    for node in iter_nodes(ctx.tree, {"atom_expr", "power"}):
        if any(
            t.type == "trailer"
            and t.children[0] == "."
            and t.children[1].value in methods
            for t in node.children[1:]
        ):
            yield from walker.steps(node, methods)


@dataclass
class _Walker:
    evaluator: Evaluator
    graph: ModelGraph
    visiting: set[int] = field(default_factory=set)  # assignments being read (cycles)

    def steps(self, chain: Any, methods: frozenset[str]) -> Iterator[ChainStep]:
        offset = 1 if chain.children[0] == "await" else 0
        trailers = chain.children[offset + 1 :]
        head = self.evaluator.prefix_value(chain, 0)
        if head is None and not (trailers and trailers[0].children[0] == "("):
            return  # `request.GET.get(...)`: nothing known about the head, nothing to check
        names = self.head_names(chain, trailers)
        index = 1 if names is not None and isinstance(head, ModelClass) else 0
        while index < len(trailers) - 1:
            trailer, following = trailers[index], trailers[index + 1]
            if trailer.children[0] != "." or following.children[0] != "(":
                names = None  # an attribute or subscript leaves the queryset
                index += 1
                continue
            method = trailer.children[1].value
            # Evaluating a prefix costs: only where a model is needed.
            needed = method in methods or names is None or method not in KNOWN_STEPS
            model = (
                _model_of(self.evaluator.prefix_value(chain, index)) if needed else None
            )
            if names is None:
                names = self.related_names(self.evaluator.prefix_value(chain, index))
            if model is not None and method in methods:
                yield _step(model, method, following, names)
            args = following.children[1] if len(following.children) == 3 else None
            positional, keywords = call_arguments(args)
            names = step_names(
                method, args, names, keywords, positional, self.custom(model)
            )
            if names is None:
                return
            index += 2

    def head_names(
        self, chain: Any, trailers: list[Any], depth: int = 0
    ) -> Names | None:
        head = chain.children[1 if chain.children[0] == "await" else 0]
        value = self.evaluator.prefix_value(chain, 0)
        if (
            isinstance(value, ModelClass)
            and trailers
            and trailers[0].children[0] == "."
        ):
            model = self.graph.get(value.model)
            return (
                manager_names(model, trailers[0].children[1].value) if model else None
            )
        if isinstance(value, QuerySetValue) and head.type == "name":
            return self.variable_names(head, depth)
        return None

    def related_names(self, value: Any) -> Names:
        if isinstance(value, RelatedManager) and value.field.target:
            model = self.graph.get(value.field.target)
            if model is not None and model.default_manager is not None:
                return manager_names(model, model.default_manager.name)
        return Names(complete=False)

    def variable_names(self, leaf: Any, depth: int) -> Names:
        """Names any assignment to the variable's name (in its scope) may have added.
        `qs = qs.filter(...)` refers to the other assignments: it adds only its own."""
        if depth > 6:
            return Names(complete=False)
        scope = search_ancestor(leaf, "funcdef", "classdef", "file_input")
        added: set[str] = set()
        for name in leaf.get_root_node().get_used_names().get(leaf.value, []):
            if (
                not name.is_definition()
                or search_ancestor(name, "funcdef", "classdef", "file_input")
                is not scope
            ):
                continue
            statement = name.get_definition()
            if (
                statement is None
                or statement.type != "expr_stmt"
                or statement.children[0] is not name
                or len(statement.children) != 3
                or statement.children[1] != "="
            ):
                return Names(complete=False)
            if id(statement) in self.visiting:
                continue
            self.visiting.add(id(statement))
            try:
                found = self.expression_names(statement.children[2], depth + 1)
            finally:
                self.visiting.discard(id(statement))
            if not found.complete:
                return found
            added |= found.added
        return Names(frozenset(added))

    def expression_names(self, node: Any, depth: int) -> Names:
        if node.type == "name":
            return self.variable_names(node, depth)
        if node.type not in ("atom_expr", "power"):
            return Names(complete=False)
        trailers = node.children[1:]
        names = self.head_names(node, trailers, depth)
        start = (
            1
            if names is not None
            and isinstance(self.evaluator.prefix_value(node, 0), ModelClass)
            else 0
        )
        if names is None:
            return Names(complete=False)
        for index in range(start, len(trailers) - 1, 2):
            trailer, following = trailers[index], trailers[index + 1]
            if trailer.children[0] != "." or following.children[0] != "(":
                return Names(complete=False)
            args = following.children[1] if len(following.children) == 3 else None
            positional, keywords = call_arguments(args)
            model = _model_of(self.evaluator.prefix_value(node, index))
            names = step_names(
                trailer.children[1].value,
                args,
                names,
                keywords,
                positional,
                self.custom(model),
            )
            if names is None:
                return Names(complete=False)
        return names

    def custom(self, label: str | None) -> dict[str, Any]:
        """The manager and queryset methods of a model, to read what custom steps add."""
        model = self.graph.get(label) if label else None
        if model is None:
            return {}
        methods: dict[str, Any] = {}
        for manager in model.managers.values():
            if manager.known:
                for name, function in manager.methods.items():
                    methods.setdefault(name, function)
        return methods


def _model_of(value: Any) -> str | None:
    # An uncertain value may be no queryset at all (a custom method returning a dict,
    # whose `.get(key)` is no lookup).
    if (
        isinstance(value, QuerySetValue)
        and not value.raw
        and not value.has_union
        and not value.uncertain
    ):
        return value.model
    if isinstance(value, RelatedManager):
        return value.field.target
    return None


def _step(model: str, method: str, call: Any, names: Names) -> ChainStep:
    own: frozenset[str] = frozenset()
    if method in ("annotate", "alias"):
        own = frozenset(
            call_arguments(call.children[1] if len(call.children) == 3 else None)[1]
        )
    return ChainStep(model, method, call, names, own)


# -- the field paths an argument list names --------------------------------------------
def string_argument(node: Any) -> str | None:
    """The value of a plain one-piece string literal (no implicit concatenation)."""
    return string_value(node) if node.type == "string" else None


def walk_arguments(step: ChainStep) -> Iterator[tuple[Any, str, bool]]:
    """(node to report, path, lookups allowed) for every field path of the call."""
    positional, keywords = step.arguments
    if step.method in LOOKUP_KEYWORDS:
        for name, value in keywords.items():
            if name not in _NOT_LOOKUPS:
                yield _keyword_leaf(value), name, True
        for node in positional:
            yield from walk_expression(node)
        return
    for node in positional:
        text = string_argument(node) if step.method in FIELD_STRINGS else None
        if text is not None:
            yield node, text, False
        else:
            yield from walk_expression(node)
    for name, value in keywords.items():
        if name not in _NOT_FIELDS:
            yield from walk_expression(value)


def _keyword_leaf(value: Any) -> Any:
    return value.parent.children[0]


def walk_expression(node: Any) -> Iterator[tuple[Any, str, bool]]:
    """Field paths inside `Q()`, `F()`, aggregates, `Case`/`When` and operators; other
    calls (`Subquery`, `Exists`, `OuterRef`, `Value`) are another query or no field."""
    kind = node.type
    if kind == "atom" and node.children[0] == "(" and len(node.children) == 3:
        yield from walk_expression(node.children[1])
    elif kind in (
        "expr",
        "or_expr",
        "and_expr",
        "xor_expr",
        "arith_expr",
        "term",
        "factor",
        "not_test",
    ):
        for child in node.children:
            if child.type != "operator":
                yield from walk_expression(child)
    elif kind in ("atom_expr", "power"):
        yield from _walk_call(node)


def _walk_call(node: Any) -> Iterator[tuple[Any, str, bool]]:
    head, trailers = node.children[0], node.children[1:]
    callee = [head.value] if head.type == "name" else []
    for trailer in trailers:
        if trailer.children[0] == "." and callee:
            callee.append(trailer.children[1].value)
        else:
            break
    if (
        not callee
        or len(trailers) < len(callee)
        or trailers[len(callee) - 1].children[0] != "("
    ):
        return
    name = callee[-1]
    call = trailers[len(callee) - 1]
    positional, keywords = call_arguments(
        call.children[1] if len(call.children) == 3 else None
    )
    if name in ("Q", "When"):
        for key, value in keywords.items():
            if key in ("then", "default", "output_field"):
                yield from walk_expression(value)
            else:
                yield _keyword_leaf(value), key, True
        for item in positional:
            yield from walk_expression(item)
    elif name == "F" and positional and string_argument(positional[0]) is not None:
        yield positional[0], string_argument(positional[0]), False
    elif name in _FIELD_FUNCTIONS or name in _FIRST_FIELD or name in _TRANSPARENT:
        items = positional[:1] if name in _FIRST_FIELD else positional
        for item in items:
            text = string_argument(item) if name not in _TRANSPARENT else None
            if text is not None:
                yield item, text, False
            else:
                yield from walk_expression(item)
        for key in ("filter", "default", "then"):
            if key in keywords:
                yield from walk_expression(keywords[key])
