"""Where the workspace uses a reverse accessor (`author.book_set`), for DJV306's rename.

Every Python module (migrations aside) and Django template is scanned once per
content for words ending in `_set` (`ProjectIndex.per_file`), so the project fact
that gathers them only joins lists after the first build.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from djvet.core.document import line_starts
from djvet.core.model import Edit, Span
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.modules import tree_of
from djvet.project.querysets import Evaluator, Instance, QuerySetValue, SelfOf

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Use:
    path: str
    line: int  # 0-based
    column: int
    template: bool


@dataclass(frozen=True)
class Rename:
    edits: tuple[Edit, ...]
    ambiguous: bool  # a use whose receiver could not be told apart: no fix


def _file_uses(template: bool, path: str, text: str) -> dict[str, list[Use]]:
    """The `_set` words of one file, with their positions."""
    offsets: dict[str, list[int]] = {}
    if "_set" in text:
        for match in _WORD.finditer(text):
            word = match.group()
            if "_set" not in word:
                continue
            # `author__book_set__tags`: lookups join accessors with `__`
            offset = match.start()
            for segment in word.split("__"):
                if segment.endswith("_set") and segment != "_set":
                    offsets.setdefault(segment, []).append(offset)
                offset += len(segment) + 2
    if not offsets:
        return {}
    starts = line_starts(text)
    uses: dict[str, list[Use]] = {}
    for word, found in offsets.items():
        for offset in found:
            line = _line_of(starts, offset)
            uses.setdefault(word, []).append(
                Use(path, line, offset - starts[line], template)
            )
    return uses


def _build(project: ProjectIndex) -> dict[str, list[Use]]:
    uses: dict[str, list[Use]] = {}
    for path in project.files():
        roles = project.roles(path, "")
        template = bool(roles & FileRole.TEMPLATES)
        if not template and (not path.endswith(".py") or roles & FileRole.MIGRATIONS):
            continue
        kind, compute = _TEMPLATE if template else _MODULE
        for word, found in (project.per_file(kind, path, compute) or {}).items():
            uses.setdefault(word, []).extend(found)
    return uses


_TEMPLATE = ("structure.set_accessors.template", partial(_file_uses, True))
_MODULE = ("structure.set_accessors.module", partial(_file_uses, False))


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


register_fact("structure.set_accessors", FileRole.PYTHON | FileRole.TEMPLATES)


def accessor_uses(project: ProjectIndex, accessor: str) -> list[Use]:
    return project.fact("structure.set_accessors", _build).get(accessor, [])


def rename_uses(
    project: ProjectIndex,
    own: str,
    own_tree: Any,
    accessor: str,
    new: str,
    target: str,
    unique: bool,
) -> Rename:
    """Edits renaming every use of `accessor` to `new`. When other models have an
    accessor of the same name (`unique` False), only uses on an instance of `target`
    are renamed, and any use that cannot be told apart makes the rename ambiguous."""
    edits: list[Edit] = []
    for use in accessor_uses(project, accessor):
        path = None if os.path.abspath(use.path) == own else use.path
        if use.template:
            if not unique:
                return Rename((), True)
            edits.append(
                Edit(
                    Span(use.line, use.column, use.line, use.column + len(accessor)),
                    new,
                    path,
                )
            )
            continue
        tree = own_tree if path is None else tree_of(project, use.path)
        # one column in: parso gives the leaf ending at a position before the one starting there
        leaf = (
            tree.get_leaf_for_position((use.line + 1, use.column + 1))
            if tree is not None
            else None
        )
        if leaf is None:
            continue
        verdict = _python_use(project, use.path, tree, leaf, accessor, target, unique)
        if verdict is None:
            return Rename((), True)
        if verdict:
            edits.extend(_rename_leaf(leaf, accessor, new, path))
    return Rename(tuple(edits), False)


def _python_use(
    project: ProjectIndex,
    path: str,
    tree: Any,
    leaf: Any,
    accessor: str,
    target: str,
    unique: bool,
) -> bool | None:
    """True: rename; False: not this relation; None: cannot tell."""
    if leaf.type == "name":
        if leaf.value != accessor:
            return False
        previous = leaf.get_previous_leaf()
        if previous is not None and previous.value == ".":
            return True if unique else _receiver_is(project, path, tree, leaf, target)
        return _bare_name(leaf)
    if leaf.type == "string" and _SEGMENT(accessor).search(leaf.value):
        if _api_name(leaf):
            return None
        return (
            True if unique else _lookup_is(project, path, tree, leaf, accessor, target)
        )
    return False


def _api_name(leaf: Any) -> bool:
    """A string in a class body outside any call (`fields = ["book_set"]` of a
    serializer or filter set): it names a public field, which must not change."""
    scope = leaf.search_ancestor("classdef", "funcdef", "lambdef")
    if scope is None or scope.type != "classdef":
        return False
    node = leaf.parent
    while node is not None and node is not scope:
        if node.type == "trailer" and node.children[0] == "(":
            return False
        node = node.parent
    return True


def _bare_name(leaf: Any) -> bool | None:
    """A bare `book_set`: a local variable is unrelated (False); a keyword argument or a
    class attribute (a GraphQL type's or serializer's field named after the accessor)
    may stand for it, and renaming it would rename an API field: cannot tell (None)."""
    following = leaf.get_next_leaf()
    if (
        leaf.parent.type == "argument"
        and following is not None
        and following.value == "="
    ):
        return None
    scope = leaf.search_ancestor("classdef", "funcdef", "lambdef")
    if scope is not None and scope.type == "classdef" and leaf.is_definition():
        return None
    return False


def _receiver_is(
    project: ProjectIndex, path: str, tree: Any, leaf: Any, target: str
) -> bool | None:
    """Whether `x` in `x.book_set` is an instance of `target` (None: cannot tell)."""
    trailer = leaf.parent
    chain = trailer.parent if trailer.type == "trailer" else None
    if chain is None or chain.type not in ("atom_expr", "power"):
        return None
    evaluator = Evaluator(project, path, tree)
    value = evaluator.prefix_value(chain, chain.children.index(trailer) - 1)
    if isinstance(value, SelfOf):
        model = evaluator.graph.resolve(path, tree, value.classdef.name.value)
        return (
            _same_model(model.label, model.parents, target)
            if model is not None
            else None
        )
    if isinstance(value, Instance):
        model = evaluator.graph.get(value.model)
        return _same_model(value.model, model.parents if model else [], target)
    return None


def _lookup_is(
    project: ProjectIndex, path: str, tree: Any, leaf: Any, accessor: str, target: str
) -> bool | None:
    """`qs.prefetch_related("book_set__tags")`: whether the lookup starts on `target`."""
    if not leaf.value.strip("\"'").startswith(accessor):
        return None
    call = leaf.search_ancestor("trailer")
    while (
        call is not None
        and call.children[0] == "("
        and call.parent.type in ("atom_expr", "power")
    ):
        chain = call.parent
        index = chain.children.index(call)
        method = chain.children[index - 1]
        if (
            method.type != "trailer"
            or method.children[0] != "."
            or method.children[1].value not in _LOOKUP_METHODS
        ):
            return None
        # `prefetch_related` returns a queryset of the model it is called on
        evaluator = Evaluator(project, path, tree)
        value = evaluator.prefix_value(chain, index)
        if isinstance(value, QuerySetValue):
            return value.model.lower() == target.lower()
        head = chain.children[0]
        # `Publisher.objects...` inside models.py, beside the class
        if head.type == "name":
            model = evaluator.graph.resolve(path, tree, head.value)
            manager = chain.children[1].children[-1]
            if (
                model is not None
                and head.value in {m.name for m in evaluator.graph.models_in(path)}
                and getattr(manager, "value", None) in model.managers
            ):
                return model.label.lower() == target.lower()
        return None
    return None


_LOOKUP_METHODS = ("prefetch_related",)


def _same_model(label: str, parents: list[str], target: str) -> bool:
    return target.lower() in (label.lower(), *(p.lower() for p in parents))


def _SEGMENT(accessor: str) -> re.Pattern[str]:  # noqa: N802  # reads as a constant pattern
    return re.compile(
        rf"(?:(?<=__)|(?<=\.)|(?<=[\"']))({re.escape(accessor)})(?=__|\.|[\"'])"
    )


def _rename_leaf(leaf: Any, accessor: str, new: str, path: str | None) -> list[Edit]:
    if leaf.type == "name":
        return [Edit(Span.of(leaf), new, path)]
    text = _SEGMENT(accessor).sub(new, leaf.value)
    return [Edit(Span.of(leaf), text, path)]
