"""Test classes: is this a `django.test.TestCase`, and what does a method touch.

`TestCase` wraps every test in a transaction it rolls back, and runs `setUpTestData`
once per class inside an outer transaction. `TransactionTestCase` (and
`LiveServerTestCase`) truncate tables instead and have no `setUpTestData`;
`SimpleTestCase` has no database at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from djvet.core.context import FileContext
from djvet.core.parso_utils import iter_nodes
from djvet.project.modules import (
    class_named,
    imported_module,
    top_level_class,
)

TESTCASES = {
    "django.test.TestCase",
    "django.test.testcases.TestCase",
    "rest_framework.test.APITestCase",
    "django.contrib.gis.test.TestCase",
}
NOT_TESTCASES = {
    "django.test.TransactionTestCase",
    "django.test.SimpleTestCase",
    "django.test.LiveServerTestCase",
    "django.contrib.staticfiles.testing.StaticLiveServerTestCase",
    "unittest.TestCase",
    "rest_framework.test.APITransactionTestCase",
    "rest_framework.test.APISimpleTestCase",
    "rest_framework.test.APILiveServerTestCase",
    "django.test.testcases.TransactionTestCase",
}
MAX_DEPTH = 4

# Calls that write rows: managers' create methods, factories, model_bakery, mixer.
CREATES_ROWS = re.compile(
    r"\.(objects|_default_manager|[a-z_]*manager)\.(create|get_or_create|update_or_create|bulk_create|"
    r"create_user|create_superuser)\(|\bcreate_(user|superuser)\(|"
    # factory_boy factories, not Django's and DRF's request factories
    r"\b(?!(Async)?(API)?RequestFactory\b)[A-Z]\w*Factory(\.(create|create_batch))?\(|"
    r"\b(baker|mommy)\.make(_recipe)?\(|\bmixer\.blend\("
)


def is_django_testcase(ctx: FileContext, cls: Any) -> bool:
    return _derives(ctx.project, ctx.path, ctx.tree, cls, 0) is True


def _derives(project: Any, path: str, tree: Any, cls: Any, depth: int) -> bool | None:
    """True for a TestCase subclass, False for another test base, None when unknown."""
    if depth > MAX_DEPTH:
        return None
    for base in bases(cls):
        found = _base_is_testcase(project, path, tree, base, depth)
        if found is not None:
            return found
    return None


def bases(cls: Any) -> list[str]:
    """Dotted names of a class's bases (`TestCase`, `test.TestCase`)."""
    if len(cls.children) < 5 or cls.children[2] != "(":
        return []
    arglist = cls.children[3]
    items = arglist.children if arglist.type == "arglist" else [arglist]
    names = []
    for item in items:
        code = item.get_code(include_prefix=False).strip()
        if re.fullmatch(r"[\w.]+", code):
            names.append(code)
    return names


def _base_is_testcase(
    project: Any, path: str, tree: Any, base: str, depth: int
) -> bool | None:
    head, _, rest = base.partition(".")
    local = top_level_class(tree, head) if not rest else None
    if local is not None:
        return _derives(project, path, tree, local, depth + 1)
    module = imported_module(tree, head, path)
    dotted = (f"{module}.{rest}" if rest else module) if module else None
    if dotted is None:
        return None
    if dotted in TESTCASES:
        return True
    if dotted in NOT_TESTCASES:
        return False
    imported = class_named(project, path, tree, base)
    return _derives(project, *imported, depth + 1) if imported is not None else None


def project_bases(
    project: Any, path: str, tree: Any, cls: Any, depth: int = 0
) -> list[Any]:
    """The class definitions of `cls`'s bases found in the project, transitively
    (`DojoTestCase`, `BaseTestCase`); library bases are left out."""
    if depth > MAX_DEPTH:
        return []
    found = []
    for base in bases(cls):
        resolved = _resolve_base(project, path, tree, base)
        if resolved is not None:
            base_path, base_tree, definition = resolved
            found.append(definition)
            found.extend(
                project_bases(project, base_path, base_tree, definition, depth + 1)
            )
    return found


def _resolve_base(
    project: Any, path: str, tree: Any, base: str
) -> tuple[str, Any, Any] | None:
    """(path, tree, classdef) of a base defined in the module or imported by name."""
    return class_named(project, path, tree, base)


def methods(cls: Any) -> dict[str, Any]:
    """The class's own functions by name (decorated ones included)."""
    return {f.name.value: f for f in cls.iter_funcdefs()}


def decorators_of(function: Any) -> list[str]:
    parent = function.parent
    if parent.type != "decorated":
        return []
    first = parent.children[0]
    decorators = first.children if first.type == "decorators" else [first]
    return [d.children[1].get_code(include_prefix=False) for d in decorators]


@dataclass
class Uses:
    """What a statement does with `self` and local names."""

    reads: set[str] = field(default_factory=set)  # `self.X` loads
    writes: set[str] = field(default_factory=set)  # `self.X = ...` targets
    # Where the statement writing `self.X` ends, and where `self.X` is read: a read after
    # the write inside a block (`with patch(...): self.a = ...; f(self.a)`) needs nothing.
    write_ends: dict[str, tuple[int, int]] = field(default_factory=dict)
    read_positions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def unresolved_reads(self) -> set[str]:
        """`self.X` reads that no earlier statement of this one provides."""
        return {
            name
            for name, positions in self.read_positions.items()
            if name not in self.write_ends
            or any(p < self.write_ends[name] for p in positions)
        }

    bare_self: bool = False  # `self` used otherwise (passed along, `self[...]`)
    local_reads: set[str] = field(default_factory=set)
    local_writes: set[str] = field(default_factory=set)


def uses_of(statement: Any) -> Uses:
    uses = Uses()
    for leaf in iter_nodes(statement, {"name"}):
        if leaf.value == "self":
            _self_use(leaf, uses)
        elif _is_attribute_name(leaf) or _is_keyword_name(leaf):
            continue
        elif leaf.is_definition():
            uses.local_writes.add(leaf.value)
        else:
            uses.local_reads.add(leaf.value)
    return uses


def _self_use(leaf: Any, uses: Uses) -> None:
    trailer = leaf.get_next_sibling()
    if trailer is None or trailer.type != "trailer" or trailer.children[0] != ".":
        uses.bare_self = True
        return
    attribute = trailer.children[1].value
    chain = leaf.parent
    is_target = (
        chain.type in ("atom_expr", "power")
        and len(chain.children) == 2
        and chain.parent.type == "expr_stmt"
        and chain.parent.children[1] == "="
        and chain in chain.parent.children[:-1:2]
    )
    if is_target:
        uses.writes.add(attribute)
        end = chain.parent.end_pos
        uses.write_ends[attribute] = min(uses.write_ends.get(attribute, end), end)
    else:
        uses.reads.add(attribute)
        uses.read_positions.setdefault(attribute, []).append(leaf.start_pos)


def _is_attribute_name(leaf: Any) -> bool:
    previous = leaf.get_previous_leaf()
    return (
        previous is not None
        and previous.value == "."
        and previous.parent.type == "trailer"
    )


def _is_keyword_name(leaf: Any) -> bool:
    """The `name` of `f(name=value)`."""
    return (
        leaf.parent.type == "argument"
        and leaf.parent.children[0] is leaf
        and len(leaf.parent.children) == 3
        and leaf.parent.children[1] == "="
    )
