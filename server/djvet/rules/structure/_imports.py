"""Imports for the structure rules: what a name is bound to, and edits that add or
remove an imported name while keeping the file's layout."""

from __future__ import annotations

from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_at, remove_from_sequence
from djvet.core.model import Edit
from djvet.core.parso_utils import dotted_name
from djvet.project.modules import imported_module


def qualified(ctx: FileContext, node: Any) -> str | None:
    """The dotted import path a name or attribute chain refers to through this file's
    imports (`models.ForeignKey` -> `django.db.models.ForeignKey`), else None."""
    dotted = dotted_name(node) if node is not None else None
    return resolve_dotted(ctx, dotted) if dotted is not None else None


def resolve_dotted(ctx: FileContext, dotted: str) -> str | None:
    """`qualified` for a dotted name given as text."""
    head, _, rest = dotted.partition(".")
    module = imported_module(ctx.tree, head, ctx.path)
    if module is None:
        return None
    return f"{module}.{rest}" if rest else module


def binds(ctx: FileContext, name: str, dotted: str) -> bool:
    """Whether `name` is imported in this file as `dotted` (anywhere in the module)."""
    return imported_module(ctx.tree, name, ctx.path) == dotted


def in_type_checking_block(node: Any) -> bool:
    """Inside `if TYPE_CHECKING:` (imports there never run)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "if_stmt":
            condition = parent.children[1]
            text = condition.get_code(include_prefix=False).strip()
            if text in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING"):
                return True
        parent = parent.parent
    return False


def top_level_import_line(ctx: FileContext, prefer: str = "django") -> int:
    """The 0-based line where a new top-level `from django... import` goes: before the
    first top-level import from `prefer`'s package, else after the module's imports at
    its top (past the docstring and `__future__`), else after the docstring."""
    after_header = 0
    last_import_end: int | None = None
    for child in ctx.tree.children:
        if child.type != "simple_stmt":
            break
        first = child.children[0]
        if first.type == "string" and after_header == 0 and last_import_end is None:
            after_header = _line_after(child)
            continue
        if first.type not in ("import_from", "import_name"):
            break
        names = (
            [n.value for n in first.get_from_names()]
            if first.type == "import_from"
            else []
        )
        if names == ["__future__"]:
            after_header = _line_after(child)
            continue
        if (
            first.type == "import_from"
            and names
            and names[0] == prefer
            and not first.level
        ):
            return child.start_pos[0] - 1
        last_import_end = _line_after(child)
    return last_import_end if last_import_end is not None else after_header


def _line_after(statement: Any) -> int:
    """0-based line following a simple statement (which ends with its newline)."""
    line, column = statement.end_pos
    return line - 1 if column == 0 else line


def add_import(ctx: FileContext, statement: str) -> Edit:
    """Insert `statement` (`from a.b import c`, no newline) as a top-level import: after
    an import from the same module when there is one, else with the other Django imports."""
    module = statement.split()[1]
    for child in ctx.tree.children:
        first = child.children[0] if child.type == "simple_stmt" else None
        if (
            first is not None
            and first.type == "import_from"
            and not first.level
            and ".".join(n.value for n in first.get_from_names()) == module
        ):
            return insert_at(_line_after(child), 0, statement + "\n")
    return insert_at(top_level_import_line(ctx), 0, statement + "\n")


def remove_name(import_from: Any, item: Any) -> Edit | None:
    """Remove one imported name (`item`: a name leaf or `import_as_name`) from a
    `from x import a, b` statement that imports other names too; None otherwise."""
    names = import_from.children[-1]
    if names.type == "operator" and names.value == ")":
        names = import_from.children[-2]
    if names.type != "import_as_names":
        return None
    children = names.children
    items = [c for c in children if c.type != "operator"]
    if len(items) < 2:
        return None
    return remove_from_sequence(item, children)


def statement_of(node: Any) -> Any:
    """The `simple_stmt` holding a small statement."""
    while node is not None and node.type != "simple_stmt":
        node = node.parent
    return node


def end_of_import_block(statement: Any) -> Any:
    """The last of the consecutive import statements starting at `statement` (a
    simple_stmt) in its suite."""
    last = statement
    sibling = statement.get_next_sibling()
    while (
        sibling is not None
        and sibling.type == "simple_stmt"
        and sibling.children[0].type in ("import_from", "import_name")
    ):
        last = sibling
        sibling = sibling.get_next_sibling()
    return last


def line_after(statement: Any) -> int:
    return _line_after(statement)
