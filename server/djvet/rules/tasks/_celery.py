"""Celery calls in a file: which task a call runs, which argument goes to which
parameter, and which arguments are model instances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from djvet.core.parso_utils import (
    call_arguments,
    call_parts,
    code_of,
    list_items,
    string_value,
)
from djvet.project.index import ProjectIndex
from djvet.project.querysets import Evaluator, Instance, ModelClass, QuerySetValue
from djvet.project.tasks import CeleryTask, task_for

# `task.delay(a)`, `task.s(a)`... take the task's arguments; `apply_async` and friends
# take `args=` / `kwargs=` (or the first two positionals).
DIRECT = {"delay", "si", "s", "run", "call"}
PACKED = {"apply_async", "apply", "signature"}


@dataclass(frozen=True)
class TaskCall:
    task: CeleryTask
    method: str  # a DIRECT/PACKED member; "call" for `task(a)`
    call: Any  # the "(...)" trailer
    # leading positionals that are not the task's (`partial(task.delay, a)`)
    skip: int = 0


@dataclass(frozen=True)
class Passed:
    """An argument a call hands to the task."""

    node: Any
    # index among the task's own parameters (None: by keyword or unknown)
    position: int | None
    keyword: Any = None  # the keyword's name leaf, or the string key of a `kwargs` dict


def task_call(
    project: ProjectIndex, path: str, tree: Any, node: Any
) -> TaskCall | None:
    """The Celery call an `atom_expr` makes: `send.delay(order)`, `tasks.send.apply_async(...)`."""
    children = node.children
    if children[0].type != "name" or children[0].value == "await":
        return None
    wrapped = _partial(project, path, tree, node)
    if wrapped is not None:
        return wrapped
    for index in range(1, len(children)):
        trailer = children[index]
        if trailer.type != "trailer":
            return None
        if trailer.children[0] == "(":
            receiver = _receiver(children[:index])
            if index > 1 and children[index - 1].children[0] == ".":
                method = children[index - 1].children[1].value
                if method in DIRECT | PACKED:
                    owner = _receiver(children[: index - 1])
                    task = (
                        task_for(project, path, tree, owner)
                        if owner is not None
                        else None
                    )
                    if task is not None:
                        return TaskCall(task, method, trailer)
            task = (
                task_for(project, path, tree, receiver)
                if receiver is not None
                else None
            )
            return TaskCall(task, "call", trailer) if task is not None else None
        if trailer.children[0] != ".":
            return None
    return None


def _partial(project: ProjectIndex, path: str, tree: Any, node: Any) -> TaskCall | None:
    """`partial(send.delay, order)` (what `transaction.on_commit` is often handed)."""
    children = node.children
    head = "".join(code_of(c) for c in children[:-1])
    call = children[-1]
    if (
        head not in ("partial", "functools.partial")
        or call.children[0] != "("
        or len(call.children) != 3
    ):
        return None
    positional, _ = call_arguments(call.children[1])
    target = positional[0] if positional else None
    if (
        target is None
        or target.type not in ("atom_expr", "power")
        or target.children[-1].type != "trailer"
    ):
        return None
    attribute = target.children[-1]
    if (
        attribute.children[0] != "."
        or attribute.children[1].value not in DIRECT | PACKED
    ):
        return None
    owner = _receiver(target.children[:-1])
    task = task_for(project, path, tree, owner) if owner is not None else None
    return (
        TaskCall(task, attribute.children[1].value, call, skip=1)
        if task is not None
        else None
    )


def _receiver(children: list[Any]) -> Any | str | None:
    """A name leaf, or the dotted text of `a.b.c`."""
    if len(children) == 1:
        return children[0]
    text = "".join(code_of(c) for c in children)
    return text if text.replace(".", "").replace("_", "").isalnum() else None


def passed(call: TaskCall) -> list[Passed] | None:
    """Every argument handed to the task; None when some cannot be seen (`*args`,
    `args=some_list`)."""
    args = call.call.children[1] if len(call.call.children) == 3 else None
    positional, keywords = call_arguments(args)
    positional = positional[call.skip :]
    if any(_starred(p) for p in positional) or _has_double_star(args):
        return None
    if call.method in PACKED:
        return _packed(positional, keywords)
    # a chain prepends the previous result to `.s()` args
    uncertain = call.method == "s"
    result = [Passed(n, None if uncertain else i) for i, n in enumerate(positional)]
    result += [Passed(value, None, _keyword_leaf(value)) for value in keywords.values()]
    return result


def _packed(positional: list[Any], keywords: dict[str, Any]) -> list[Passed] | None:
    args = keywords.get("args", positional[0] if positional else None)
    kwargs = keywords.get("kwargs", positional[1] if len(positional) > 1 else None)
    result: list[Passed] = []
    if args is not None:
        items = list_items(args)
        if items is None or any(_starred(i) for i in items):
            return None
        result += [Passed(n, i) for i, n in enumerate(items)]
    if kwargs is not None:
        pairs = dict_items(kwargs)
        if pairs is None:
            return None
        result += [Passed(value, None, key) for key, value in pairs]
    return result


def dict_items(node: Any) -> list[tuple[Any, Any]] | None:
    """(string key node, value) of a `{"a": x}` literal with string keys, else None."""
    if node.type != "atom" or node.children[0] != "{":
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return None
    items = [c for c in inner.children if c != ","]
    if len(items) % 3 or any(items[i + 1] != ":" for i in range(0, len(items), 3)):
        return None
    pairs = [(items[i], items[i + 2]) for i in range(0, len(items), 3)]
    return pairs if all(string_value(k) is not None for k, _ in pairs) else None


def _starred(node: Any) -> bool:
    return node.type in ("star_expr", "argument") and code_of(node).startswith("*")


def _has_double_star(args: Any) -> bool:
    return args is not None and any(
        code_of(c).startswith("**")
        for c in getattr(args, "children", [args])
        if c.type == "argument"
    )


def _keyword_leaf(value: Any) -> Any:
    return value.parent.children[0]


# -- model instances -------------------------------------------------------------------
def instance_label(evaluator: Evaluator, node: Any) -> str | None:
    """The model label when `node` certainly holds one model instance."""
    value = evaluator.value(node)
    if isinstance(value, Instance):
        source = value.source
        if source is not None and source.values:
            return None  # `.values().first()` is a dict
        return value.model
    if value is not None:
        return None
    if code_of(node) in ("request.user", "self.request.user"):
        return evaluator.graph.user_model_label()
    if node.type == "name":
        return _name_instance(evaluator, node)
    return _shortcut_instance(evaluator, node)


def _name_instance(evaluator: Evaluator, leaf: Any) -> str | None:
    definition = evaluator._definition(leaf)
    if definition is None:
        return None
    statement = definition.get_definition()
    if statement is None:
        return None
    if statement.type == "for_stmt" and statement.children[1] is definition:
        iterable = evaluator.value(statement.children[3])
        if isinstance(iterable, QuerySetValue) and not iterable.values:
            return iterable.model
        return None
    if (
        statement.type == "expr_stmt"
        and statement.children[0] is definition
        and len(statement.children) == 3
    ):
        return _shortcut_instance(evaluator, statement.children[2])
    if statement.type == "param":
        return _signal_instance(evaluator, definition)
    return None


def _shortcut_instance(evaluator: Evaluator, node: Any) -> str | None:
    """`get_object_or_404(Model, ...)` / `get_object_or_404(Model.objects.filter(...))`."""
    parts = call_parts(node) if node.type in ("atom_expr", "power") else None
    if parts is None or parts[0].rsplit(".", 1)[-1] not in (
        "get_object_or_404",
        "aget_object_or_404",
    ):
        return None
    positional, _ = call_arguments(parts[1])
    if not positional:
        return None
    value = evaluator.value(positional[0])
    if isinstance(value, ModelClass):
        return value.model
    if isinstance(value, QuerySetValue) and not value.values:
        return value.model
    return None


def _signal_instance(evaluator: Evaluator, name: Any) -> str | None:
    """`instance` of a `@receiver(post_save, sender=Book)` handler is a `Book`."""
    if name.value != "instance":
        return None
    function = name.parent.parent
    while function is not None and function.type != "funcdef":
        function = function.parent
    decorated = function.parent if function is not None else None
    if decorated is None or decorated.type != "decorated":
        return None
    decorators = decorated.children[0]
    for item in (
        decorators.children if decorators.type == "decorators" else [decorators]
    ):
        parts = call_parts(item.children[1])
        if parts is None or parts[0].rsplit(".", 1)[-1] != "receiver":
            continue
        sender = call_arguments(parts[1])[1].get("sender")
        value = evaluator.value(sender) if sender is not None else None
        if isinstance(value, ModelClass):
            return value.model
    return None
