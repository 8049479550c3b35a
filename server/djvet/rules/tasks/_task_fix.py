"""The fix of DJV702: pass the primary key to a Celery task and fetch the row inside it.

One fix changes the task (`def send(order)` -> `def send(order_id)` plus
`order = Order.objects.get(pk=order_id)`) and every call site in the workspace
(`send.delay(order)` -> `send.delay(order.pk)`). When one call site cannot be changed
with certainty (a chain's `.s()`, `send_task("...")`, `*args`, a caller passing
something that is not that model), there is no fix: a partial change would break the
callers left behind.
"""

from __future__ import annotations

import os
from typing import Any

from djvet.core.edits import insert_at, replace_node
from djvet.core.model import Edit, Fix, Span
from djvet.core.parso_utils import code_of
from djvet.project.index import ProjectIndex
from djvet.project.models import ModelInfo
from djvet.project.modules import dotted_name as module_dotted
from djvet.project.modules import tree_of
from djvet.project.querysets import Evaluator
from djvet.project.tasks import CeleryTask, TaskUse, task_uses
from djvet.rules.tasks._celery import DIRECT, PACKED, TaskCall, instance_label, passed
from djvet.rules.tasks._imports import add_import, module_names


def pass_pk_fix(
    project: ProjectIndex,
    own_path: str,
    task: CeleryTask,
    position: int | None,
    keyword: str | None,
    label: str,
) -> Fix | None:
    function = task.funcdef(project)
    if (
        function is None
        or "retry(" in code_of(function)
        and "args" in code_of(function)
    ):
        return None  # `self.retry(args=[order])` re-sends the instance: leave it to a human
    params = list(function.get_params())
    own_params = params[1:] if task.bind else params
    param = _parameter(own_params, position, keyword)
    if param is None or param.default is not None or param.star_count:
        return None
    name = param.name.value
    new_name = f"{name}_id"
    if _uses_name(function, new_name):
        return None
    index = own_params.index(param)
    edits: list[Edit] = []
    for use in task_uses(project, task):
        changed = _call_site_edits(project, task, use, index, name, new_name, label)
        if changed is None:
            return None
        edits += changed
    inside = _task_edits(project, task, function, param, new_name, label)
    if inside is None:
        return None
    edits += inside
    own = os.path.abspath(own_path)
    edits = [
        Edit(
            e.span,
            e.new_text,
            None if e.path is None or os.path.abspath(e.path) == own else e.path,
        )
        for e in edits
    ]
    model = label.rsplit(".", 1)[-1]
    return Fix.unsafe(
        f"Pass the primary key to `{task.name}` and fetch the `{model}` there", *edits
    )


def _parameter(
    params: list[Any], position: int | None, keyword: str | None
) -> Any | None:
    if keyword is not None:
        return next((p for p in params if p.name.value == keyword), None)
    if (
        position is not None
        and position < len(params)
        and params[position].star_count == 0
    ):
        return params[position]
    return None


def _uses_name(function: Any, name: str) -> bool:
    names = function.get_root_node().get_used_names().get(name, [])
    return any(
        function.start_pos <= leaf.start_pos < function.end_pos for leaf in names
    )


def _call_site_edits(
    project: ProjectIndex,
    task: CeleryTask,
    use: TaskUse,
    index: int,
    name: str,
    new_name: str,
    label: str,
) -> list[Edit] | None:
    if use.kind not in (DIRECT | PACKED) - {"s"} and use.kind != "call":
        return None
    arguments = passed(TaskCall(task, use.kind, use.call))
    if arguments is None:
        return None
    match = [
        a
        for a in arguments
        if a.position == index
        or (a.keyword is not None and _key_name(a.keyword) == name)
    ]
    if len(match) != 1:
        return None
    argument = match[0]
    tree = tree_of(project, use.path)
    if (
        tree is None
        or instance_label(Evaluator(project, use.path, tree), argument.node) != label
    ):
        return None
    edits = [replace_node(argument.node, _pk_of(argument.node), path=use.path)]
    if argument.keyword is not None:
        key = argument.keyword
        text = new_name if key.type == "name" else code_of(key).replace(name, new_name)
        edits.append(replace_node(key, text, path=use.path))
    return edits


def _key_name(key: Any) -> str:
    return key.value if key.type == "name" else code_of(key).strip("\"'")


def _pk_of(node: Any) -> str:
    text = code_of(node)
    if node.type in ("name", "atom_expr", "power", "atom") and not text.startswith(
        "await"
    ):
        return f"{text}.pk"
    return f"({text}).pk"


# -- the task side ---------------------------------------------------------------------
def _task_edits(
    project: ProjectIndex,
    task: CeleryTask,
    function: Any,
    param: Any,
    new_name: str,
    label: str,
) -> list[Edit] | None:
    from djvet.project.models import model_graph

    graph = model_graph(project)
    model = graph.get(label)
    tree = function.get_root_node()
    suite = function.children[-1]
    if model is None or suite.type != "suite":
        return None
    reference = _model_reference(graph, task, tree, model)
    if reference is None:
        return None
    expression, imports = reference
    end = param.annotation if param.annotation is not None else param.name
    edits = [Edit(Span.between(param.name, end), new_name, task.path)]
    anchor, after_docstring = _body_anchor(suite)
    indent = " " * (
        anchor.start_pos[1] if anchor is not None else after_docstring.start_pos[1]
    )
    line = (
        anchor.start_pos[0] - 1
        if anchor is not None
        else after_docstring.end_pos[0] - 1
    )
    manager = (
        "objects"
        if not model.managers or "objects" in model.managers
        else next(iter(model.managers))
    )
    fetch = f"{indent}{param.name.value} = {expression}.{manager}.get(pk={new_name})\n"
    edits.append(insert_at(line, 0, fetch, path=task.path))
    edits += imports
    return edits


def _body_anchor(suite: Any) -> tuple[Any | None, Any]:
    statements = [c for c in suite.children if c.type != "newline"]
    first = statements[0]
    docstring = first.type == "simple_stmt" and first.children[0].type == "string"
    if not docstring:
        return first, first
    return (statements[1] if len(statements) > 1 else None), first


def _model_reference(
    graph: Any, task: CeleryTask, tree: Any, model: ModelInfo
) -> tuple[str, list[Edit]] | None:
    """How the task module names the model, and the import it needs for that."""
    resolved = graph.resolve(task.path, tree, model.name)
    if resolved is not None and resolved.label == model.label:
        return model.name, []
    if model.label == graph.user_model_label():
        if "get_user_model" in module_names(tree):
            return "get_user_model()", []
        return "get_user_model()", [
            add_import(tree, "django.contrib.auth", "get_user_model", task.path)
        ]
    if model.name in module_names(tree) or not model.module:
        return None
    return model.name, [
        add_import(tree, _module_for(task, model), model.name, task.path)
    ]


def _module_for(task: CeleryTask, model: ModelInfo) -> str:
    """`.models` when the task lives in the model's package, else the dotted module."""
    package = task.module.rpartition(".")[0]
    model_package, _, leaf = model.module.rpartition(".")
    if package and package == model_package and module_dotted(task.path) == task.module:
        return f".{leaf}"
    return model.module
