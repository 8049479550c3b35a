"""DJV705's pieces: which calls queue a task, whether a write's transaction is open,
and the `transaction.on_commit(partial(...))` rewrite."""

from __future__ import annotations

from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Edit, Fix, Span
from djvet.core.parso_utils import call_arguments, code_of
from djvet.project.querysets import Evaluator
from djvet.project.tasks import task_for, task_index
from djvet.rules.tasks._celery import instance_label, passed, task_call
from djvet.rules.tasks._imports import add_import, module_names
from djvet.rules.tasks._views import (
    atomic_decorated,
    atomic_requests,
    decorator_names,
    enclosing_function,
    inside_atomic_block,
    is_request_handler,
    writes_before,
)

_METHODS = ("delay", "apply_async")


def queued_call(ctx: FileContext, node: Any) -> tuple[str, str] | None:
    """(receiver, method) of `receiver.delay(...)` ending `node`, when it is a task."""
    children = node.children
    if len(children) < 3 or children[0].type != "name" or children[0].value == "await":
        return None
    call, attribute = children[-1], children[-2]
    if (
        call.type != "trailer"
        or call.children[0] != "("
        or attribute.type != "trailer"
        or attribute.children[0] != "."
        or attribute.children[1].value not in _METHODS
    ):
        return None
    head = children[:-2]
    if any(t.type != "trailer" or t.children[0] != "." for t in head[1:]):
        return None
    receiver = "".join(code_of(c) for c in head)
    target = head[0] if len(head) == 1 else receiver
    if (
        task_index(ctx.project).tasks
        and task_for(ctx.project, ctx.path, ctx.tree, target) is not None
    ):
        return receiver, attribute.children[1].value
    # A task of a library: the name comes from an import (a local object's `delay` does not).
    definition = ctx.tree.get_used_names().get(head[0].value, [])
    if (
        any(
            leaf.is_definition()
            and leaf.parent.type
            in (
                "import_from",
                "import_as_name",
                "import_as_names",
                "dotted_as_name",
                "import_name",
            )
            for leaf in definition
        )
        and attribute.children[1].value == "apply_async"
    ):
        return receiver, "apply_async"
    return None


def open_transaction(ctx: FileContext, node: Any) -> str | None:
    """Why a transaction holding a write is open at `node`, or None. A transaction
    without a write before the call (a read on a pinned replica) has nothing to wait for."""
    block = inside_atomic_block(node)
    if block is not None:
        return "inside `atomic()`" if writes_before(block, node) else None
    function = enclosing_function(node)
    if function is None:
        return None
    if atomic_decorated(function):
        return "in an `@atomic` function" if writes_before(function, node) else None
    if not is_request_handler(function) or "non_atomic_requests" in " ".join(
        decorator_names(function)
    ):
        return None
    if "tasks.atomic_requests" not in ctx.cache:
        ctx.cache["tasks.atomic_requests"] = atomic_requests(ctx.project)
    if ctx.cache["tasks.atomic_requests"] and writes_before(function, node):
        return "after a write under `ATOMIC_REQUESTS`"
    return None


def on_commit_fix(
    ctx: FileContext, node: Any, receiver: str, method: str, title: str
) -> Fix | None:
    statement = node.parent
    if statement.type != "simple_stmt" or statement.children[0] is not node:
        return None  # the call's result (an AsyncResult) is used
    if _passes_instances(ctx, node):
        return None  # DJV702's fix changes these arguments first; this fix follows on the next pass
    names = module_names(ctx.tree)
    edits: list[Edit] = []
    if "partial" in names and not _imports(ctx.tree, "functools", "partial"):
        return None
    if "partial" not in names:
        edits.append(add_import(ctx.tree, "functools", "partial"))
    if _imports(ctx.tree, "django.db", "transaction"):
        on_commit = "transaction.on_commit"
    elif "transaction" in names:
        return None
    else:
        on_commit = "transaction.on_commit"
        edits.append(add_import(ctx.tree, "django.db", "transaction"))
    call = node.children[-1]
    args = code_of(call.children[1]) if len(call.children) == 3 else ""
    inner = f"partial({receiver}.{method}, {args})" if args else f"{receiver}.{method}"
    using = _using(node)
    text = f"{on_commit}({inner}{using})"
    edits.append(Edit(Span.of(node), text))
    return Fix.unsafe(title, *edits)


def _passes_instances(ctx: FileContext, node: Any) -> bool:
    call = (
        task_call(ctx.project, ctx.path, ctx.tree, node)
        if task_index(ctx.project).tasks
        else None
    )
    arguments = passed(call) if call is not None else None
    if not arguments:
        return False
    evaluator = Evaluator(ctx.project, ctx.path, ctx.tree)
    return any(instance_label(evaluator, argument.node) for argument in arguments)


def _imports(tree: Any, module: str, name: str) -> bool:
    return any(
        node.type == "import_from"
        and ".".join(n.value for n in node.get_from_names()) == module
        and any(
            original.value == name and alias is None
            for original, alias in node._as_name_tuples()
        )
        for node in tree.iter_imports()
    )


def _using(node: Any) -> str:
    """`, using="other"` when the surrounding `atomic(using="other")` names a database."""
    block = inside_atomic_block(node)
    if block is None:
        return ""
    for item in block.children[1:-2]:
        target = item.children[0] if item.type == "with_item" else item
        if (
            target.type in ("atom_expr", "power")
            and target.children[-1].type == "trailer"
        ):
            trailer = target.children[-1]
            args = trailer.children[1] if len(trailer.children) == 3 else None
            positional, keywords = call_arguments(args)
            value = keywords.get("using") or (positional[0] if positional else None)
            if value is not None:
                return f", using={code_of(value)}"
    return ""
