"""Models a migration's functions use by import, and the edits to the historical model."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import remove_from_sequence
from djvet.core.model import Edit, Span
from djvet.core.parso_utils import iter_nodes
from djvet.project.environment import python_environment
from djvet.project.models import ModelInfo, model_graph
from djvet.project.modules import imported_symbol, module_map, resolve_relative
from djvet.rules.tasks._imports import add_import, module_names


@dataclass
class ImportedModel:
    name: str  # the name the module uses
    leaf: Any  # that name in the import statement
    get_model_args: str  # '"library", "Tag"'
    edits: list[Edit] = field(default_factory=list)  # empty: no fix


def imported_models(ctx: FileContext) -> list[ImportedModel]:
    found = []
    migration_functions = _migration_functions(ctx.tree)
    # also imports inside functions
    for statement in iter_nodes(ctx.tree, {"import_from"}):
        if statement.is_star_import():
            continue
        module = ".".join(n.value for n in statement.get_from_names())
        if statement.level:
            module = resolve_relative(ctx.path, statement.level, module)
        for original, alias in statement._as_name_tuples():
            local = alias or original
            uses = _function_uses(ctx.tree, local)
            running = [u for u in uses if id(_function_of(u)) in migration_functions]
            if not running:
                continue
            model = _model(ctx, module, original.value)
            if model is None or not any(_queries(leaf, model) for leaf in running):
                continue  # only constants read from the class: the schema does not matter
            if isinstance(model, str):  # guessed: the module cannot be read
                found.append(ImportedModel(local.value, local, model))
                continue
            args = f'"{model.app_label}", "{model.name}"'
            # Other functions of the module (a NetBox change-log hook) run with today's schema:
            # they keep the import, so there is no fix.
            fixable = len(running) == len(uses) and _historical_suffices(uses, model)
            edits = _edits(ctx, statement, local, uses, args) if fixable else []
            found.append(ImportedModel(local.value, local, args, edits))
    return found


def _migration_functions(tree: Any) -> set[int]:
    """Functions `migrations.RunPython(...)` runs, and the module's functions they call."""
    functions = {f.name.value: f for f in tree.iter_funcdefs()}
    pending = [
        node.value
        for node in iter_nodes(tree, {"name"})
        if node.value in functions and _inside_run_python(node)
    ]
    found: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found[name] = functions[name]
        pending += [
            leaf.value
            for leaf in iter_nodes(functions[name].children[-1], {"name"})
            if leaf.value in functions and leaf.value not in found
        ]
    return {id(f) for f in found.values()}


def _inside_run_python(leaf: Any) -> bool:
    node = leaf.parent
    while node is not None and node.type not in ("funcdef", "classdef", "file_input"):
        if (
            node.type in ("atom_expr", "power")
            and node.children[0].type == "name"
            and any(
                c.type == "trailer"
                and c.children[0] == "."
                and c.children[1].value == "RunPython"
                for c in node.children
            )
            or (
                node.type in ("atom_expr", "power")
                and node.children[0].type == "name"
                and node.children[0].value == "RunPython"
            )
        ):
            return True
        node = node.parent
    return False


_EXCEPTIONS = {"DoesNotExist", "MultipleObjectsReturned", "_meta"}


def _attribute(leaf: Any) -> str | None:
    """`X.attr` -> "attr"; `X(...)` -> "()"; a bare use -> None."""
    following = leaf.get_next_sibling()
    if following is None or following.type != "trailer":
        return None
    if following.children[0] == "(":
        return "()"
    return following.children[1].value if following.children[0] == "." else None


def _managers(model: ModelInfo | str) -> set[str]:
    names = {"objects", "_default_manager", "_base_manager"}
    return names if isinstance(model, str) else names | set(model.managers)


def _queries(leaf: Any, model: ModelInfo | str) -> bool:
    """The use reaches the database: a manager, or the class handed on (`bulk_create`,
    `get_for_model`). Building an instance for its methods does not."""
    attribute = _attribute(leaf)
    if attribute is None:
        return _call_argument(leaf) and not _in_annotation(leaf)
    return attribute in _managers(model)


def _call_argument(leaf: Any) -> bool:
    """`f(Model)` / `f(x, model=Model)`: the class handed to a call (not `QuerySet[Model]`)."""
    parent = leaf.parent
    if parent.type == "argument":
        parent = parent.parent
    if parent.type == "arglist":
        parent = parent.parent
    return parent.type == "trailer" and parent.children[0] == "("


def _in_annotation(leaf: Any) -> bool:
    node = leaf
    while node.parent is not None and node.parent.type not in ("funcdef", "file_input"):
        parent = node.parent
        if parent.type == "tname" or (
            parent.type == "param" and getattr(parent, "annotation", None) is node
        ):
            return True
        node = parent
    function = node.parent
    return (
        function is not None
        and function.type == "funcdef"
        and function.children[-3] is node
        and function.children[-4] == "->"
    )


def _historical_suffices(uses: list[Any], model: ModelInfo) -> bool:
    """The historical model has fields and managers only: no fix when a function reads
    other class attributes, or calls methods the model defines (an overridden `save()`)."""
    allowed = _managers(model) | _EXCEPTIONS | {"()"}
    if any(
        (attribute := _attribute(leaf)) is not None and attribute not in allowed
        for leaf in uses
    ):
        return False
    custom = {name for name in model.methods if not name.startswith("__")}
    for function in {id(f): f for f in (_function_of(u) for u in uses)}.values():
        called = set(re.findall(r"\.(\w+)\s*\(", function.get_code()))
        if called & custom:
            return False
    return True


def _model(ctx: FileContext, module: str, name: str) -> ModelInfo | str | None:
    """The model `module.name` is; a guessed `"app", "Name"` when the module is out of
    sight and the name looks like a model of a `models` module; else None."""
    model = model_graph(ctx.project).model_named(module, name)
    if model is not None:
        return None if model.abstract else model
    if (
        _readable(ctx, module)
        or not module.endswith("models")
        or not name[:1].isupper()
        or name.isupper()
    ):
        return None
    parts = module.split(".")
    return f'"{parts[-2] if len(parts) > 1 else parts[0]}", "{name}"'


def _readable(ctx: FileContext, module: str) -> bool:
    if module_map(ctx.project).path_of(module) is not None:
        return True
    relative = module.replace(".", os.sep)
    return any(
        os.path.exists(os.path.join(folder, relative + ".py"))
        or os.path.exists(os.path.join(folder, relative, "__init__.py"))
        for folder in python_environment(ctx.project).paths
    )


def _function_uses(tree: Any, local: Any) -> list[Any]:
    """Uses of the imported name inside function bodies; [] when it is also used outside.
    A function that binds the name itself (`ContentType = apps.get_model(...)`) uses its
    own variable, not the import."""
    leaves = tree.get_used_names().get(local.value, [])
    rebinding = {
        id(_function_of(leaf))
        for leaf in leaves
        if leaf is not local and leaf.is_definition() and _function_of(leaf) is not None
    }
    uses = []
    for leaf in leaves:
        if leaf is local or leaf.is_definition():
            continue
        function = _function_of(leaf)
        if function is None:
            return []
        if id(function) not in rebinding or _imports_here(function, local):
            uses.append(leaf)
    return uses


def _imports_here(function: Any, local: Any) -> bool:
    """The import itself is inside this function (`from app.models import X` in its body)."""
    return function.start_pos < local.start_pos < function.end_pos


def _function_of(node: Any) -> Any | None:
    current = node.parent
    while current is not None and current.type not in (
        "funcdef",
        "file_input",
        "classdef",
    ):
        current = current.parent
    return current if current is not None and current.type == "funcdef" else None


# -- edits -----------------------------------------------------------------------------
def _edits(
    ctx: FileContext, statement: Any, local: Any, uses: list[Any], args: str
) -> list[Edit]:
    functions = {id(f): f for f in (_function_of(u) for u in uses)}.values()
    inside = _function_of(statement)
    edits: list[Edit] = []
    for function in functions:
        apps = _apps_param(function)
        if apps is None:
            return []
        line = f"{local.value} = {apps}.get_model({args})"
        if function is inside:
            continue
        edit = _insert_first(function, line)
        if edit is None:
            return []
        edits.append(edit)
    if inside is not None:
        apps = _apps_param(inside)
        if apps is None or len(statement.get_defined_names()) != 1:
            return []
        return [
            *edits,
            Edit(Span.of(statement), f"{local.value} = {apps}.get_model({args})"),
        ]
    removal = _remove_name(ctx, statement, local)
    return [*edits, removal] if removal is not None else []


def _apps_param(function: Any) -> str | None:
    params = function.get_params()
    return (
        params[0].name.value if len(params) >= 1 and params[0].star_count == 0 else None
    )


def _insert_first(function: Any, line: str) -> Edit | None:
    suite = function.children[-1]
    if suite.type != "suite":
        return None
    statements = [c for c in suite.children if c.type != "newline"]
    first = statements[0]
    if first.type == "simple_stmt" and first.children[0].type == "string":
        if len(statements) == 1:
            return Edit(
                Span.point(first.end_pos[0] - 1, 0),
                f"{' ' * first.start_pos[1]}{line}\n",
            )
        first = statements[1]
    return Edit(
        Span.point(first.start_pos[0] - 1, 0), f"{' ' * first.start_pos[1]}{line}\n"
    )


def _remove_name(ctx: FileContext, statement: Any, local: Any) -> Edit | None:
    names = statement.get_defined_names()
    simple = statement.parent
    if len(names) == 1:
        if simple.type != "simple_stmt" or len(simple.children) != 2:
            return None  # `import x; y = 1`: leave it
        line, end = simple.start_pos[0] - 1, simple.end_pos[0] - 1
        lines = ctx.document.lines
        if (
            line > 0
            and end < len(lines)
            and not lines[line - 1].strip()
            and not lines[end].strip()
        ):
            line -= 1  # the import was a block of its own: drop one of the blank lines around it
        return Edit(Span(line, 0, end, 0), "")
    unit = local.parent if local.parent.type == "import_as_name" else local
    container = unit.parent
    return remove_from_sequence(unit, container.children)


def user_model_calls(ctx: FileContext) -> list[tuple[Any, list[Edit]]]:
    """`get_user_model()` calls in migration functions, with their historical rewrite."""
    found = []
    for leaf in ctx.tree.get_used_names().get("get_user_model", []):
        chain = leaf.parent
        if chain.type not in ("atom_expr", "power") or chain.children[0] is not leaf:
            continue
        trailer = chain.children[1]
        source = imported_symbol(ctx.tree, "get_user_model", ctx.path)
        function = _function_of(chain)
        if (
            trailer.type != "trailer"
            or trailer.children[0] != "("
            or len(trailer.children) != 2
            or function is None
            or source != ("django.contrib.auth", "get_user_model")
        ):
            continue
        call = Span.between(leaf, trailer)
        apps = _apps_param(function)
        edits: list[Edit] = []
        if apps is not None:
            edits.append(Edit(call, f"{apps}.get_model(settings.AUTH_USER_MODEL)"))
            if "settings" not in module_names(ctx.tree):
                edits.append(add_import(ctx.tree, "django.conf", "settings"))
            edits += _drop_last_use(ctx, leaf)
        found.append((call, edits))
    return found


def _drop_last_use(ctx: FileContext, leaf: Any) -> list[Edit]:
    """Remove `from django.contrib.auth import get_user_model` with its only use."""
    leaves = ctx.tree.get_used_names().get("get_user_model", [])
    uses = [u for u in leaves if not u.is_definition()]
    imports = [
        u
        for u in leaves
        if u.is_definition() and u.parent.type in ("import_from", "import_as_names")
    ]
    if uses != [leaf] or len(imports) != 1:
        return []
    statement = (
        imports[0].parent
        if imports[0].parent.type == "import_from"
        else imports[0].parent.parent
    )
    removal = _remove_name(ctx, statement, imports[0])
    return [removal] if removal is not None else []
