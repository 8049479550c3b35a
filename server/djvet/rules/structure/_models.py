"""Model classes of the file being checked, paired with the model graph's knowledge.

The graph (`project/models.py`) knows which classes are models — through abstract
bases and mixins in other files — and which are abstract, proxies or `presumed`
(a base it could not read). Rules read the parso nodes of the file being checked,
never the graph's own trees, so their edits match the buffer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Span
from djvet.core.parso_utils import iter_nodes
from djvet.project.models import FieldInfo, ModelGraph, ModelInfo, model_graph


@dataclass(frozen=True)
class ModelClass:
    info: ModelInfo
    node: Any  # the parso classdef in the checked file
    graph: ModelGraph

    @property
    def concrete(self) -> bool:
        return not self.info.abstract and not self.info.proxy

    def body(self) -> list[Any]:
        """The class body's statements (simple statements unwrapped)."""
        suite = self.node.children[-1]
        if suite.type != "suite":
            return []
        statements = []
        for child in suite.children:
            if child.type == "simple_stmt":
                statements.extend(c for c in child.children if c.type != "newline")
            elif child.type not in ("newline", "indent", "dedent"):
                statements.append(child)
        return statements

    def declared_fields(self) -> Iterator[FieldInfo]:
        """Forward fields declared in this class body (not inherited)."""
        start, end = self.node.start_pos[0] - 1, self.node.end_pos[0] - 1
        for info in self.info.fields.values():
            if (
                info.path == self.info.path
                and info.span is not None
                and not info.reverse
                and start <= info.span.start_line <= end
                and info.model == self.info.label
            ):
                yield info


def model_classes(ctx: FileContext) -> Iterator[ModelClass]:
    """Every class of the file that the model graph knows as a model (abstract ones too)."""
    graph = model_graph(ctx.project)
    models = {info.name: info for info in graph.models_in(ctx.path)}
    if not models:
        return
    for node in iter_nodes(ctx.tree, {"classdef"}):
        info = models.get(node.name.value)
        if info is not None and node.parent is not None and _is_module_level(node):
            yield ModelClass(info, node, graph)


def _is_module_level(node: Any) -> bool:
    parent = node.parent
    while parent is not None and parent.type != "file_input":
        if parent.type in ("classdef", "funcdef"):
            return False
        parent = parent.parent
    return True


def node_at(ctx: FileContext, span: Span, types: tuple[str, ...]) -> Any:
    """The outermost node of one of `types` starting exactly at `span`'s start."""
    position = (span.start_line + 1, span.start_column)
    leaf = ctx.tree.get_leaf_for_position(position)
    if leaf is not None and leaf.start_pos != position and leaf.end_pos == position:
        leaf = leaf.get_next_leaf()  # parso prefers the leaf ending at the position
    found = None
    node = leaf
    while node is not None and node.start_pos == position:
        if node.type in types:
            found = node
        node = node.parent
    return found


def field_call(ctx: FileContext, info: FieldInfo) -> Any:
    """The `models.X(...)` call node declaring a field of the checked file."""
    if info.span is None:
        return None
    node = node_at(ctx, info.span, ("atom_expr", "power"))
    if (
        node is None
        or node.children[-1].type != "trailer"
        or node.children[-1].children[0] != "("
    ):
        return None
    return node


def snake_case(name: str) -> str:
    out = []
    for index, char in enumerate(name):
        if (
            char.isupper()
            and index
            and (
                not name[index - 1].isupper()
                or (index + 1 < len(name) and name[index + 1].islower())
            )
        ):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def plural(word: str) -> str:
    """A plain English plural of a snake_case noun (`order_item` -> `order_items`)."""
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"
