"""Celery tasks of the workspace, found statically, and every place that uses them.

A task is a module-level function decorated with `@shared_task`, `@celery.shared_task`,
`@app.task`, `@celery.task` or `@<name>.task` where `<name>` is a Celery application
(`app = Celery(...)` in the workspace, or imported from a module that creates one).
A use of a task is found across files: through its own module, `from x.tasks import
send`, `from x import tasks` + `tasks.send`, and aliases.

The rules ask two questions: "is this expression a task?" (`task_for`) and "where is
this task called, and how?" (`task_uses`), so that a fix changing a task's signature
can change every call site in the same edit — or give up when one cannot be changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from djvet.core.parso_utils import call_arguments, dotted_name, string_value
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.modules import (
    dotted_name as module_dotted,
)
from djvet.project.modules import (
    imported_module,
    imported_symbol,
    module_map,
    tree_of,
)

# A cheap text filter before parsing a file: something that looks like a task decorator.
_DECORATOR_TEXT = re.compile(r"@\s*(?:[\w.]+\.)?(?:shared_task|task|periodic_task)\b")
_CELERY_APP = re.compile(r"\bCelery\s*\(")
_DEFAULT_APP_NAMES = {"app", "celery", "celery_app"}
# How a task is used; anything else is a use a fix cannot follow.
CALL_KINDS = {
    "delay",
    "apply_async",
    "apply",
    "si",
    "s",
    "signature",
    "run",
    "map",
    "starmap",
    "chunks",
}


@dataclass(frozen=True)
class CeleryTask:
    name: str
    module: str  # dotted module name
    path: str
    line: int  # 1-based line of the `def`
    bind: bool  # `bind=True`: the first parameter is the task itself
    decorator: str
    registered_name: str | None = None  # `@shared_task(name="...")`

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}" if self.module else self.name

    def funcdef(self, project: ProjectIndex) -> Any | None:
        tree = tree_of(project, self.path)
        if tree is None:
            return None
        for function in tree.iter_funcdefs():
            if function.name.value == self.name and function.start_pos[0] == self.line:
                return function
        return None


@dataclass(frozen=True)
class TaskUse:
    """One place a task's name is used (besides its definition and imports)."""

    path: str
    kind: str  # a CALL_KINDS member, "call" (plain call), or "other"
    leaf: Any  # the name leaf naming the task
    call: Any = None  # the "(...)" trailer of the call, when `kind` is a call
    args: Any = None  # that trailer's argument node (None: no arguments)


@dataclass
class TaskIndex:
    tasks: dict[tuple[str, str], CeleryTask]  # (path, name) -> task
    _uses: dict[tuple[str, str], list[TaskUse]] = field(default_factory=dict)

    def get(self, path: str, name: str) -> CeleryTask | None:
        return self.tasks.get((path, name))

    def in_module(
        self, project: ProjectIndex, dotted: str, name: str
    ) -> CeleryTask | None:
        path = module_map(project).path_of(dotted)
        return self.tasks.get((path, name)) if path else None


# -- finding tasks ---------------------------------------------------------------------
def _decorator_task(
    decorator: Any, tree: Any, path: str, project: ProjectIndex
) -> tuple[str, bool, str | None] | None:
    """(decorator text, bind, name=) when `decorator` makes a Celery task, else None."""
    expression = decorator.children[1]
    call_args = None
    if (
        expression.type in ("atom_expr", "power")
        and expression.children[-1].type == "trailer"
        and expression.children[-1].children[0] == "("
    ):
        trailer = expression.children[-1]
        call_args = trailer.children[1] if len(trailer.children) == 3 else None
        head = expression.children[:-1]
        text = "".join(c.get_code(include_prefix=False) for c in head)
    else:
        text = expression.get_code(include_prefix=False)
    if not _is_task_decorator(text, tree, path, project):
        return None
    _, keywords = call_arguments(call_args)
    bind = (
        "bind" in keywords and keywords["bind"].get_code(include_prefix=False) == "True"
    )
    name = string_value(keywords["name"]) if "name" in keywords else None
    return text, bind, name


def _is_task_decorator(text: str, tree: Any, path: str, project: ProjectIndex) -> bool:
    if text in (
        "shared_task",
        "celery.shared_task",
        "periodic_task",
        "celery.decorators.periodic_task",
    ):
        return True
    owner, _, attribute = text.rpartition(".")
    if attribute != "task" or not owner or "." in owner:
        return False
    return owner in _DEFAULT_APP_NAMES or _is_celery_app(owner, tree, path, project)


def _is_celery_app(name: str, tree: Any, path: str, project: ProjectIndex) -> bool:
    """`name` is assigned `Celery(...)` here, or imported from a module that creates one."""
    source = imported_symbol(tree, name, path)
    if source is None:
        text = project.read(path) or ""
        return bool(re.search(rf"^{re.escape(name)}\s*=\s*Celery\s*\(", text, re.M))
    target = module_map(project).path_of(source[0])
    return bool(target and _CELERY_APP.search(project.read(target) or ""))


def _tasks_in(project: ProjectIndex, path: str) -> list[CeleryTask]:
    # Whether a file may define tasks is remembered per text: the index is rebuilt
    # after every edit to any Python file, and the search of every file was most of it.
    if not project.per_file("task-decorators", path, _may_define_tasks):
        return []
    tree = tree_of(project, path)
    if tree is None:
        return []
    found = []
    module = module_dotted(path)
    for node in tree.children:
        if node.type != "decorated" or node.children[-1].type != "funcdef":
            continue
        decorators = node.children[0]
        items = decorators.children if decorators.type == "decorators" else [decorators]
        for decorator in items:
            described = _decorator_task(decorator, tree, path, project)
            if described is not None:
                function = node.children[-1]
                found.append(
                    CeleryTask(
                        function.name.value,
                        module,
                        path,
                        function.start_pos[0],
                        described[1],
                        described[0],
                        described[2],
                    )
                )
                break
    return found


def _may_define_tasks(path: str, text: str) -> bool:
    return bool(_DECORATOR_TEXT.search(text))


def _build(project: ProjectIndex) -> TaskIndex:
    tasks: dict[tuple[str, str], CeleryTask] = {}
    for path in project.python_files():
        for task in _tasks_in(project, path):
            tasks[(path, task.name)] = task
    return TaskIndex(tasks)


register_fact("celery_tasks", FileRole.PYTHON)


def task_index(project: ProjectIndex) -> TaskIndex:
    return project.fact("celery_tasks", _build)


# -- "is this a task?" -----------------------------------------------------------------
def task_for(
    project: ProjectIndex, path: str, tree: Any, node: Any
) -> CeleryTask | None:
    """The task an expression names: `send`, `tasks.send`, `orders.tasks.send` (a name
    leaf, an attribute chain, or its dotted text)."""
    index = task_index(project)
    if not index.tasks:
        return None
    if not isinstance(node, str) and node.type == "name":
        if _locally_bound(node):
            return None
        task = index.get(path, node.value)
        if task is not None:
            return task
        source = imported_symbol(tree, node.value, path)
        return index.in_module(project, source[0], source[1]) if source else None
    dotted = node if isinstance(node, str) else dotted_name(node)
    if not dotted or "." not in dotted:
        return None
    owner, _, name = dotted.rpartition(".")
    head = owner.split(".", 1)[0]
    module = imported_module(tree, head, path)
    if module is None:
        return None
    full = module + owner[len(head) :]
    return index.in_module(project, full, name)


def _locally_bound(leaf: Any) -> bool:
    """The name is a parameter or local variable of the function it is used in."""
    function = leaf.parent
    while function is not None and function.type not in (
        "funcdef",
        "lambdef",
        "file_input",
    ):
        function = function.parent
    if function is None or function.type == "file_input":
        return False
    for candidate in leaf.get_root_node().get_used_names().get(leaf.value, []):
        if candidate.is_definition() and candidate is not leaf:
            scope = candidate.parent
            while scope is not None and scope.type not in (
                "funcdef",
                "lambdef",
                "file_input",
            ):
                scope = scope.parent
            if scope is function and not (
                scope.type == "funcdef" and scope.name is candidate
            ):
                return True
    return False


# -- "where is this task used?" --------------------------------------------------------
def task_uses(project: ProjectIndex, task: CeleryTask) -> list[TaskUse]:
    """Every use of `task` in the workspace's Python files (cached per project state)."""
    index = task_index(project)
    key = (task.path, task.name)
    if key not in index._uses:
        index._uses[key] = list(_find_uses(project, task))
    return index._uses[key]


def _find_uses(project: ProjectIndex, task: CeleryTask):
    word = re.compile(rf"\b{re.escape(task.name)}\b")
    strings = (
        [f"{task.dotted}", task.registered_name]
        if task.registered_name
        else [task.dotted]
    )
    for path in project.python_files():
        text = project.read(path)
        if not text or not word.search(text):
            continue
        tree = tree_of(project, path)
        if tree is None:
            continue
        if any(s and re.search(rf"[\"']{re.escape(s)}[\"']", text) for s in strings):
            # Called by name (`send_task("app.tasks.send")`, a beat schedule): unknown use.
            yield TaskUse(path, "other", None)
        for leaf in tree.get_used_names().get(task.name, []):
            use = _classify(project, path, tree, task, leaf)
            if use is not None:
                yield use
        # Aliases: `from app.tasks import send as send_mail_task`.
        for alias in _aliases(project, path, tree, task):
            for leaf in tree.get_used_names().get(alias, []):
                use = _classify(project, path, tree, task, leaf, alias=True)
                if use is not None:
                    yield use


def _aliases(
    project: ProjectIndex, path: str, tree: Any, task: CeleryTask
) -> list[str]:
    names = []
    for node in tree.iter_imports():
        if node.type != "import_from":
            continue
        for original, alias in node._as_name_tuples():
            if alias is not None and original.value == task.name:
                source = imported_symbol(tree, alias.value, path)
                if source and module_map(project).path_of(source[0]) == task.path:
                    names.append(alias.value)
    return names


def _classify(
    project: ProjectIndex,
    path: str,
    tree: Any,
    task: CeleryTask,
    leaf: Any,
    alias: bool = False,
) -> TaskUse | None:
    parent = leaf.parent
    if parent.type == "funcdef" and parent.name is leaf:
        return None  # the definition (or an unrelated function of the same name)
    if parent.type in (
        "import_as_name",
        "dotted_as_name",
        "import_from",
        "import_as_names",
        "dotted_name",
        "import_name",
    ):
        return None
    if leaf.is_definition():
        return None
    # Is this leaf the task? Either the name itself, or the last part of `module.name`.
    previous = leaf.get_previous_sibling()
    if parent.type == "trailer" and previous == ".":
        chain = parent.parent
        index = chain.children.index(parent)
        prefix = chain.children[:index]
        owner = "".join(c.get_code(include_prefix=False) for c in prefix)
        head = owner.split(".", 1)[0]
        module = (
            imported_module(tree, head, path)
            if re.fullmatch(r"[\w.]+", owner)
            else None
        )
        if (
            module is None
            or module_map(project).path_of(module + owner[len(head) :]) != task.path
        ):
            return None
        trailers = chain.children[index + 1 :]
    else:
        if not alias and task_for(project, path, tree, leaf) is not task:
            return None
        if parent.type not in ("atom_expr", "power") or parent.children[0] is not leaf:
            return TaskUse(path, "other", leaf)  # passed around as a value
        chain = parent
        trailers = chain.children[1:]
    return _use_from_trailers(path, leaf, trailers)


def _use_from_trailers(path: str, leaf: Any, trailers: list[Any]) -> TaskUse:
    if not trailers:
        return TaskUse(path, "other", leaf)
    first = trailers[0]
    if first.children[0] == "(":
        return TaskUse(
            path,
            "call",
            leaf,
            first,
            first.children[1] if len(first.children) == 3 else None,
        )
    if (
        first.children[0] == "."
        and len(trailers) > 1
        and trailers[1].children[0] == "("
    ):
        method = first.children[1].value
        call = trailers[1]
        kind = method if method in CALL_KINDS else "other"
        return TaskUse(
            path,
            kind,
            leaf,
            call,
            call.children[1] if len(call.children) == 3 else None,
        )
    return TaskUse(path, "other", leaf)
