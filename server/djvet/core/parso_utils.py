"""Small, shared questions about parso trees."""

from __future__ import annotations

import ast
import itertools
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from djvet.core.document import on_forget, tree_stamp

_NOT_A_LITERAL = object()

# What reading a half-typed tree can raise (a node missing the children a complete one
# has, a cycle of names): analyses catch these and know nothing, never crash.
HALF_TYPED_CODE_ERRORS = (
    AttributeError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
    RecursionError,
)


def top_level_assignments(module: Any) -> Iterator[tuple[Any, Any]]:
    """`NAME = value` statements at module level, including inside top-level `if`/`try`."""
    for stmt in _top_level_statements(module):
        yield from assignment_pairs(stmt)


def _top_level_statements(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", ()):
        if child.type == "simple_stmt":
            yield from (c for c in child.children if c.type != "newline")
        elif child.type in ("expr_stmt",):
            yield child
        elif child.type in ("if_stmt", "try_stmt", "with_stmt"):
            for block in child.children:
                if block.type == "suite":
                    yield from _top_level_statements(block)
                elif block.type == "simple_stmt":
                    yield from (c for c in block.children if c.type != "newline")


def assignment_pairs(stmt: Any) -> Iterator[tuple[Any, Any]]:
    """(target name leaf, value node) for `A = B = value` and `A: T = value`."""
    if stmt.type != "expr_stmt":
        return
    children = stmt.children
    if len(children) >= 2 and children[1].type == "annassign":
        ann = children[1].children
        if children[0].type == "name" and len(ann) >= 4:
            yield children[0], ann[3]
        return
    if len(children) < 3 or children[1] != "=":
        return
    value = children[-1]
    for target in children[:-1:2]:
        if target.type == "name":
            yield target, value


def augmented_assignment(stmt: Any) -> tuple[Any, str, Any] | None:
    """(target, operator, value) of `A += value`, or None."""
    if (
        stmt.type == "expr_stmt"
        and len(stmt.children) == 3
        and stmt.children[1].type == "operator"
    ):
        op = stmt.children[1].value
        if (
            op.endswith("=")
            and op not in ("==", "=")
            and stmt.children[0].type == "name"
        ):
            return stmt.children[0], op, stmt.children[2]
    return None


def code_of(node: Any) -> str:
    return node.get_code(include_prefix=False)


def literal_value(node: Any) -> Any:
    """The Python value of a literal expression (strings, numbers, containers), or
    `NOT_A_LITERAL`."""
    try:
        return ast.literal_eval(code_of(node).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_A_LITERAL


def is_literal(value: Any) -> bool:
    return value is not _NOT_A_LITERAL


NOT_A_LITERAL = _NOT_A_LITERAL


def dotted_name(node: Any) -> str | None:
    """`a.b.c` for a name or attribute chain without calls or subscripts, else None."""
    if node.type == "name":
        return node.value
    if node.type not in ("power", "atom_expr", "dotted_name"):
        return None
    parts = []
    for child in node.children:
        if child.type == "name":
            parts.append(child.value)
        elif (
            child.type == "trailer"
            and child.children[0] == "."
            and len(child.children) == 2
        ):
            parts.append(child.children[1].value)
        elif child.type == "operator" and child.value == ".":
            continue
        else:
            return None
    return ".".join(parts)


def call_parts(node: Any) -> tuple[str, Any] | None:
    """For `a.b.c(args)`: ("a.b.c", arglist-or-None). Only the last trailer may be a call."""
    if node.type not in ("power", "atom_expr") or len(node.children) < 2:
        return None
    last = node.children[-1]
    if last.type != "trailer" or last.children[0] != "(":
        return None
    head = node.children[:-1]
    if len(head) == 1:
        callee = head[0].value if head[0].type == "name" else None
    else:
        callee = _dotted_from_children(head)
    if callee is None:
        return None
    args = last.children[1] if len(last.children) == 3 else None
    return callee, args


def _dotted_from_children(children: list[Any]) -> str | None:
    if children[0].type != "name":
        return None
    parts = [children[0].value]
    for trailer in children[1:]:
        if trailer.type != "trailer" or trailer.children[0] != ".":
            return None
        parts.append(trailer.children[1].value)
    return ".".join(parts)


def call_arguments(args: Any) -> tuple[list[Any], dict[str, Any]]:
    """Split a call's argument node into positional nodes and keyword name -> value node."""
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    if args is None:
        return positional, keywords
    items = args.children if args.type == "arglist" else [args]
    for item in items:
        if item.type == "operator":
            continue
        if item.type == "argument":
            first = item.children[0]
            if (
                first.type == "name"
                and len(item.children) == 3
                and item.children[1] == "="
            ):
                keywords[first.value] = item.children[2]
            else:
                positional.append(item)  # *args, **kwargs and generator arguments
        else:
            positional.append(item)
    return positional, keywords


def string_value(node: Any) -> str | None:
    """The value of a plain string literal (not an f-string), else None."""
    if node.type not in ("string", "strings"):
        return None
    if node.type == "string" and node.value.lstrip("rRbBuU")[:1] not in ("'", '"'):
        return None
    value = literal_value(node)
    return value if isinstance(value, str) else None


def list_items(node: Any) -> list[Any] | None:
    """Element nodes of a list/tuple literal (`[a, b]`, `(a,)`), else None."""
    if node.type != "atom" or node.children[0] not in ("[", "("):
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if inner.type in ("testlist_comp", "exprlist") and not any(
        c.type in ("comp_for", "sync_comp_for") for c in inner.children
    ):
        return [c for c in inner.children if c != ","]
    if inner.type in ("testlist_comp",):
        return None
    if node.children[0] == "(" and inner.type not in ("testlist_comp",):
        return None  # a parenthesised expression, not a tuple
    return [inner]


def iter_nodes(
    node: Any, types: set[str] | frozenset[str] | None = None
) -> Iterator[Any]:
    """Depth-first walk below `node` (itself included); `types` keeps only those nodes.

    A whole module's nodes of some types are found once and remembered: several rules
    each looking for every loop of a 5,000-line view module walked it once per rule.
    """
    if types is not None and node.type == "file_input":
        yield from _indexed(node, types)
        return
    stack = [node]
    while stack:
        current = stack.pop()
        if types is None or current.type in types:
            yield current
        children = getattr(current, "children", None)
        if children:
            stack.extend(reversed(children))


# Nodes of a module by the types asked for, by tree (`tree_stamp`: an open buffer's tree
# changes in place). Several rules ask a module for the same types (every loop), and
# the engine dispatches on a few types: one walk per tree version files every inner node
# (and name) under its type with its position in the walk, and each question merges the
# buckets. Kept for a few trees only: an entry holds its tree alive, and a models edit
# makes a new tree per keystroke.
@dataclass(eq=False)
class _NodeIndex:
    tree: Any
    stamp: tuple[int, int]
    buckets: dict[str, list[tuple[int, Any]]]
    found: dict[frozenset[str], list[Any]] = field(default_factory=dict)


_INDEXES: OrderedDict[int, _NodeIndex] = OrderedDict()
_INDEXES_LOCK = threading.Lock()
_INDEXED_TREES = 8


def _forget_indexes(texts: set[str], trees: set[int]) -> None:
    with _INDEXES_LOCK:
        for key in trees & _INDEXES.keys():
            del _INDEXES[key]


on_forget(_forget_indexes)
# Leaves are most of a tree and, but for names, rarely asked for: they are not filed (a
# question about them walks the tree).
_UNFILED_LEAVES = frozenset(
    {
        "keyword",
        "operator",
        "number",
        "string",
        "newline",
        "endmarker",
        "error_leaf",
        "fstring_start",
        "fstring_string",
        "fstring_end",
    }
)


def _indexed(module: Any, types: set[str] | frozenset[str]) -> list[Any]:
    wanted = frozenset(types)
    index = _index_of(module)
    found = index.found.get(wanted)
    if found is None:
        if wanted & _UNFILED_LEAVES:
            found = _walk_for(module, wanted)
        else:
            runs = [index.buckets.get(t, ()) for t in wanted]
            merged = runs[0] if len(runs) == 1 else sorted(itertools.chain(*runs))
            found = [node for _, node in merged]
        index.found[wanted] = found
    return found


def _walk_for(module: Any, types: frozenset[str]) -> list[Any]:
    found = []
    stack = [module]
    while stack:
        current = stack.pop()
        if current.type in types:
            found.append(current)
        children = getattr(current, "children", None)
        if children:
            stack.extend(reversed(children))
    return found


def _index_of(module: Any) -> _NodeIndex:
    stamp = tree_stamp(module)
    with _INDEXES_LOCK:
        cached = _INDEXES.get(id(module))
        if cached is not None and cached.tree is module and cached.stamp == stamp:
            _INDEXES.move_to_end(id(module))
            return cached
    buckets: dict[str, list[tuple[int, Any]]] = {}
    stack = [module]
    position = 0
    while stack:
        current = stack.pop()
        kind = current.type
        children = getattr(current, "children", None)
        if children is None and kind != "name":
            continue
        bucket = buckets.get(kind)
        if bucket is None:
            bucket = buckets[kind] = []
        bucket.append((position, current))
        position += 1
        if children:
            stack.extend(reversed(children))
    index = _NodeIndex(module, stamp, buckets)
    with _INDEXES_LOCK:
        _INDEXES[id(module)] = index
        while len(_INDEXES) > _INDEXED_TREES:
            _INDEXES.popitem(last=False)
    return index


def uses_between(
    node: Any, name: str, after: tuple[int, int], before: tuple[int, int]
) -> list[Any]:
    """The uses of `name` in `node`'s module that start strictly between two positions.

    A module's uses of a name are in document order: a binary search finds those of one
    function without visiting every `self` and `request` of a 5,000-line view module.
    """
    uses = node.get_root_node().get_used_names().get(name, [])
    first = bisect_right(uses, after, key=_start_of)
    last = bisect_left(uses, before, lo=first, key=_start_of)
    return uses[first:last]


def uses_in(scope: Any, name: str) -> list[Any]:
    """The uses of `name` inside `scope` (a function, class or module), by position."""
    if scope.type == "file_input":
        return list(scope.get_used_names().get(name, []))
    start = scope.start_pos
    return uses_between(scope, name, (start[0], start[1] - 1), scope.end_pos)


def _start_of(leaf: Any) -> tuple[int, int]:
    return leaf.start_pos


def first_statement_line(module: Any) -> int:
    """0-based line after the module docstring and leading imports' block start."""
    for child in module.children:
        if child.type == "simple_stmt" and child.children[0].type == "string":
            continue
        return child.start_pos[0] - 1
    return 0
