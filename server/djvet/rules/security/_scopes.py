"""Scopes and bindings of names in a parso tree, and small call helpers, for the
security rules: the function a node is in, the values a variable may hold where it is
used (`reaching`), the arguments of a call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parso.tree import search_ancestor

from djvet.core.parso_utils import call_arguments


def scope_of(node: Any) -> Any:
    """The function, lambda, class or module whose names `node` sees first."""
    return search_ancestor(node, "funcdef", "lambdef", "classdef", "file_input")


def function_of(node: Any) -> Any | None:
    return search_ancestor(node, "funcdef")


@dataclass(frozen=True)
class Binding:
    """One place a name is bound: `kind` is assign, augassign, unpack, param, for, with,
    import or other; `value` the assigned expression (the iterable of a `for`)."""

    kind: str
    name: Any
    statement: Any
    value: Any | None


def bindings(name: Any) -> list[Binding]:
    """Every binding of `name`'s variable in the scope `name` is used in (source order);
    when the scope binds nothing, the module's bindings."""
    scope = scope_of(name)
    found = _bindings_in(name, scope)
    if not found and scope is not None and scope.type != "file_input":
        found = _bindings_in(name, name.get_root_node())
    return found


def _bindings_in(name: Any, scope: Any) -> list[Binding]:
    root = name.get_root_node()
    result = []
    for leaf in root.get_used_names().get(name.value, []):
        if leaf.is_definition() and scope_of(leaf) is scope:
            result.append(_binding(leaf))
    return sorted(result, key=lambda b: b.name.start_pos)


def _binding(leaf: Any) -> Binding:
    statement = leaf.get_definition()
    kind = statement.type if statement is not None else "other"
    if kind == "expr_stmt":
        children = statement.children
        if (
            len(children) == 3
            and children[1].type == "operator"
            and children[1].value not in ("=",)
        ):
            return Binding("augassign", leaf, statement, children[2])
        if children[1].type == "annassign":
            annassign = children[1].children
            return Binding(
                "assign", leaf, statement, annassign[3] if len(annassign) >= 4 else None
            )
        target = leaf.parent
        unpack = target.type in (
            "testlist_star_expr",
            "exprlist",
            "atom",
            "testlist_comp",
        )
        return Binding("unpack" if unpack else "assign", leaf, statement, children[-1])
    if kind == "for_stmt":
        return Binding("for", leaf, statement, statement.children[3])
    if kind in ("param", "with_stmt", "import_from", "import_name"):
        return Binding(
            {"import_from": "import", "import_name": "import", "with_stmt": "with"}.get(
                kind, kind
            ),
            leaf,
            statement,
            None,
        )
    return Binding("other", leaf, statement, None)


def reaching(use: Any) -> list[Binding]:
    """The bindings of a variable that may give `use` its value, read in source order:
    from the last one that surely runs before `use` (same block or an enclosing one) to
    the last one before `use`. `value = escape(value)` thus hides the parameter."""
    found = [b for b in bindings(use) if b.name is not use]
    if not found or scope_of(found[0].name) is not scope_of(use):
        return found  # module-level names: any binding may be the current one
    before = [
        b
        for b in found
        if b.name.start_pos < use.start_pos
        and not (b.statement.type == "expr_stmt" and _inside(use, b.statement))
    ]
    if not before:
        return found
    start = 0
    for index, binding in enumerate(before):
        if binding.kind == "param" or _inside(use, _block(binding.statement)):
            start = index
        else:
            branches = _complete_if(binding, before, use)
            if branches is not None:
                start = before.index(branches)
    return before[start:]


def _complete_if(binding: Binding, before: list[Binding], use: Any) -> Binding | None:
    """When `binding` sits in an `if`/`elif`/`else` whose every branch binds the name,
    and the `use` comes after that `if`: the first binding inside it (the `if` as a
    whole surely binds the name)."""
    statement = search_ancestor(binding.statement, "if_stmt")
    if (
        statement is None
        or _inside(use, statement)
        or not _inside(use, _block(statement))
    ):
        return None
    suites = [c for c in statement.children if c.type in ("suite", "simple_stmt")]
    if "else" not in [getattr(c, "value", None) for c in statement.children]:
        return None
    inside = [b for b in before if _inside(b.statement, statement)]
    if all(
        any(_block(b.statement) is suite or b.statement.parent is suite for b in inside)
        for suite in suites
    ):
        return inside[0]
    return None


def _block(statement: Any) -> Any:
    return (
        search_ancestor(statement, "suite", "file_input") or statement.get_root_node()
    )


def _inside(node: Any, ancestor: Any) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def single_value(name: Any) -> Any | None:
    """The value of a variable bound exactly once, by a plain `name = value`."""
    found = bindings(name)
    if len(found) == 1 and found[0].kind == "assign":
        return found[0].value
    return None


def reaching_value(name: Any) -> Any | None:
    """The value of the last plain assignment to `name` before the statement using it
    (straight-line reading: `sql = "..."` then `sql = sql.format(...)`)."""
    statement = name.get_definition() or search_ancestor(
        name, "expr_stmt", "simple_stmt"
    )
    earlier = [
        b
        for b in bindings(name)
        if b.name.start_pos < name.start_pos
        and (statement is None or b.statement is not statement)
    ]
    if earlier and earlier[-1].kind == "assign":
        return earlier[-1].value
    return None


def loads_of(binding: Binding) -> list[Any]:
    """The uses (not bindings) of a bound variable within its scope."""
    scope = scope_of(binding.name)
    return [
        leaf
        for leaf in binding.name.get_root_node()
        .get_used_names()
        .get(binding.name.value, [])
        if not leaf.is_definition() and scope_of(leaf) is scope
    ]


def attr_name(trailer: Any) -> str | None:
    if (
        trailer.type == "trailer"
        and trailer.children[0] == "."
        and len(trailer.children) == 2
    ):
        return trailer.children[1].value
    return None


def is_starred(argument: Any) -> bool:
    """`*args` or `**kwargs` in a call."""
    return argument.type == "argument" and argument.children[0] in ("*", "**")


def call_args(trailer: Any) -> list[Any]:
    if trailer.type != "trailer" or trailer.children[0] != "(":
        return []
    positional, keywords = call_arguments(
        trailer.children[1] if len(trailer.children) == 3 else None
    )
    return [*positional, *keywords.values()]
