"""Moving row-creating statements from `setUp` to `setUpTestData`.

A statement moves when it can run once for the class instead of once per test: it reads
from `self` only attributes that earlier moved statements (or `setUpTestData`, or the
class body) define, uses no local variable of a statement that stays, and follows only
statements whose order does not matter (`super().setUp()`, a docstring, creating a test
client, `cache.clear()`). Moved statements get `cls.` for `self.`; `setUp` keeps the
rest, or disappears when nothing else is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from djvet.core.edits import insert_at
from djvet.core.model import Edit, Span
from djvet.core.parso_utils import iter_nodes
from djvet.rules.testing._testcase import (
    CREATES_ROWS,
    bases,
    decorators_of,
    methods,
    uses_of,
)

_SUPER_SETUP = re.compile(r"super\(\s*(\w+\s*,\s*self\s*)?\)\s*\.\s*setUp\(\s*\)")
_HARMLESS = re.compile(
    r"(self\.(client|factory|api_client|request_factory)\s*=\s*(\w+\.)?(API)?(Client|RequestFactory)\(\s*\)"
    r"|(\w+\.)?cache\.clear\(\s*\)|self\.maxDiff\s*=\s*[\w.]+)"
)


_ORM_READ = re.compile(r"\.(objects|_default_manager)\.")
_FILES = re.compile(r"\w*[Ff]ile\w*\s*\(|\bfile\w*\s*=[^=]")
_QUERY_COUNTS = re.compile(
    r"assertNumQueries|CaptureQueriesContext|django_assert_num_queries"
)
_PURE_CALLS = {
    "reverse",
    "reverse_lazy",
    "str",
    "int",
    "dict",
    "list",
    "tuple",
    "set",
    "len",
    "Decimal",
}


def _inert(statement: Any) -> bool:
    """A statement without effects on anything but its targets: no calls, or only
    calls of a few pure functions (`reverse(...)`)."""
    for trailer in iter_nodes(statement, {"trailer"}):
        if trailer.children[0] != "(":
            continue
        callee = trailer.get_previous_sibling()
        if callee is None or callee.type != "name" or callee.value not in _PURE_CALLS:
            return False
    return True


@dataclass
class Plan:
    moved: list[Any]
    kept: list[Any]

    @property
    def removes_setup(self) -> bool:
        return all(_is_docstring(s) or _is_super_setup(s) for s in self.kept)


def body(function: Any) -> list[Any] | None:
    suite = function.children[-1]
    if suite.type != "suite":
        return None
    return [c for c in suite.children if c.type != "newline"]


def creates_rows(statement: Any) -> bool:
    return bool(CREATES_ROWS.search(statement.get_code(include_prefix=False)))


def plan(cls: Any, setup: Any) -> Plan | None:
    statements = body(setup)
    own = methods(cls)
    if statements is None or decorators_of(setup) or not _setup_class_calls_super(own):
        return None
    known = _class_attributes(cls, own) | _test_data_attributes(
        own.get("setUpTestData")
    )
    moved, kept = [], []
    moved_locals: set[str] = set()
    kept_locals: set[str] = set()
    blocked = False
    for statement in statements:
        code = statement.get_code(include_prefix=False).strip()
        if (
            _is_docstring(statement)
            or _is_super_setup(statement)
            or _HARMLESS.fullmatch(code)
        ):
            # per-test resets stay, and their order does not matter
            kept.append(statement)
            continue
        uses = uses_of(statement)
        if (
            not blocked
            and _kind_moves(statement, uses, known, moved_locals)
            and _movable(statement, uses, known, kept_locals)
        ):
            moved.append(statement)
            known |= uses.writes
            moved_locals |= uses.local_writes
            continue
        kept.append(statement)
        kept_locals |= uses.local_writes
        # Plain data (`self.url = "/x/"`) may run after the rows; anything with effects
        # (a mock started, a language activated) must keep running before them.
        blocked = blocked or not _inert(statement)
    if not moved or any(creates_rows(s) for s in kept):
        return None
    if any(uses_of(s).local_reads & moved_locals for s in kept):
        return None
    if any(_FILES.search(s.get_code(include_prefix=False)) for s in moved):
        return None  # files written to disk are not rolled back between tests
    if _QUERY_COUNTS.search(cls.get_code()):
        return None  # rows created once warm caches once: query counts change
    return Plan(moved, kept)


def _kind_moves(
    statement: Any, uses: Any, known: set[str], moved_locals: set[str]
) -> bool:
    """Rows created, data assigned, or a call on an object created before (`self.book.tags
    .add(tag)`); other calls (`translation.activate("fr")`) are per-test set-up."""
    if creates_rows(statement):
        return True
    small = statement.children[0] if statement.type == "simple_stmt" else None
    if small is None:
        return False
    if small.type == "expr_stmt" and small.children[1] == "=":
        # Rows read from the database move; other values (`engines["jinja2"]`, data
        # derived from a row) would be deep-copied for each test, which not every
        # object survives.
        return bool(_ORM_READ.search(small.children[-1].get_code()))
    head = small.children[0] if small.type in ("atom_expr", "power") else None
    if head is None or head.type != "name":
        return False
    if head.value == "self":
        trailer = small.children[1]
        return (
            trailer.type == "trailer"
            and trailer.children[0] == "."
            and trailer.children[1].value in known
        )
    return head.value in moved_locals


def _movable(statement: Any, uses: Any, known: set[str], kept_locals: set[str]) -> bool:
    if (
        statement.type == "simple_stmt"
        and len([c for c in statement.children if c.type != "newline"]) != 1
    ):
        return False  # `a = 1; b = 2`
    if any(
        True
        for _ in iter_nodes(
            statement,
            {
                "return_stmt",
                "yield_expr",
                "await",
                "global_stmt",
                "nonlocal_stmt",
                "lambdef",
                "funcdef",
                "classdef",
            },
        )
    ):
        return False
    return (
        not uses.bare_self
        and uses.unresolved_reads() <= known
        and not (uses.local_reads & kept_locals)
    )


def _class_attributes(cls: Any, own: dict[str, Any]) -> set[str]:
    """Class-body names `cls.X` can read: attributes, classmethods, staticmethods."""
    names = set()
    for statement in getattr(cls.children[-1], "children", []):
        if (
            statement.type == "simple_stmt"
            and statement.children[0].type == "expr_stmt"
            and statement.children[0].children[0].type == "name"
        ):
            names.add(statement.children[0].children[0].value)
    for name, function in own.items():
        if {"classmethod", "staticmethod"} & set(decorators_of(function)):
            names.add(name)
        else:
            names.discard(name)  # an instance method: `cls.method()` would not work
    return names


def _test_data_attributes(function: Any | None) -> set[str]:
    if function is None:
        return set()
    params = function.get_params()
    name = params[0].name.value if params else "cls"
    return set(re.findall(rf"\b{re.escape(name)}\.(\w+)\s*=(?!=)", function.get_code()))


def _setup_class_calls_super(own: dict[str, Any]) -> bool:
    """An own `setUpClass` that skips `super()` never runs `setUpTestData`; one that does
    more after `super().setUpClass()` (installs a hook) ran that before the rows, and
    would run it after them."""
    setup_class = own.get("setUpClass")
    if setup_class is None:
        return True
    statements = [s for s in body(setup_class) or [] if not _is_docstring(s)]
    calls = [
        i
        for i, s in enumerate(statements)
        if re.search(
            r"super\(.*\)\s*\.\s*setUpClass\(", s.get_code(include_prefix=False), re.S
        )
    ]
    return bool(calls) and calls[-1] == len(statements) - 1


def inherited_setup_has_effects(project_bases: list[Any]) -> bool:
    """A project base class's `setUp` that does more than resetting the client: it ran
    before the rows (`activate("en")`, a settings change, a cache refresh), and would run
    after them."""
    for base in project_bases:
        setup = methods(base).get("setUp")
        for statement in (body(setup) or []) if setup is not None else []:
            code = statement.get_code(include_prefix=False).strip()
            if not (
                _is_docstring(statement)
                or _is_super_setup(statement)
                or _HARMLESS.fullmatch(code)
            ):
                return True
    return False


def _is_docstring(statement: Any) -> bool:
    return statement.type == "simple_stmt" and statement.children[0].type == "string"


def _is_super_setup(statement: Any) -> bool:
    return statement.type == "simple_stmt" and bool(
        _SUPER_SETUP.fullmatch(statement.get_code(include_prefix=False).strip())
    )


def overridden_below(tree: Any, cls: Any) -> bool:
    """A subclass in the module redefines `setUp`/`setUpTestData` without `super()`:
    moving rows changes what it sees."""
    name = cls.name.value
    for other in tree.iter_classdefs():
        if name not in bases(other):
            continue
        for method, function in methods(other).items():
            if (
                method in ("setUp", "setUpTestData")
                and "super(" not in function.get_code()
            ):
                return True
    return False


# -- edits -----------------------------------------------------------------------------
def edits(lines: list[str], cls: Any, setup: Any, move: Plan) -> list[Edit]:
    own = methods(cls)
    existing = own.get("setUpTestData")
    indent = " " * _first_leaf(setup).start_pos[1]
    target = "cls"
    if existing is not None:
        params = existing.get_params()
        target = params[0].name.value if params else "cls"
    moved_text = "".join(
        _moved_text(lines, s, indent + "    ", target) for s in move.moved
    )
    result: list[Edit] = []
    if existing is not None:
        line = (
            existing.end_pos[0] - 1 if existing.end_pos[1] == 0 else existing.end_pos[0]
        )
        result.append(insert_at(line, 0, moved_text))
        method_text = ""
    else:
        # A docstring of a `setUp` that disappears describes the data: it moves along.
        docstring = (
            next((s for s in move.kept if _is_docstring(s)), None)
            if move.removes_setup
            else None
        )
        doc_text = (
            f"{indent}    {docstring.get_code(include_prefix=False).strip()}\n"
            if docstring
            else ""
        )
        method_text = (
            f"{indent}@classmethod\n{indent}def setUpTestData(cls):\n{doc_text}"
            f"{indent}    super().setUpTestData()\n{moved_text}"
        )
    start = _first_leaf(setup).start_pos[0] - 1
    if move.removes_setup:
        end = setup.end_pos[0] - 1 if setup.end_pos[1] == 0 else setup.end_pos[0]
        first = _first_leaf(setup)
        if not method_text and not first.prefix.strip():
            # and the blank lines above it
            start = first.get_start_pos_of_prefix()[0] - 1
        result.append(Edit(Span(start, 0, end, 0), method_text))
        return result
    if method_text:
        result.append(insert_at(start, 0, method_text + "\n"))
    result.extend(Edit(span, "") for span in _removed_spans(lines, setup, move.moved))
    return result


def _removed_spans(lines: list[str], setup: Any, moved: list[Any]) -> list[Span]:
    """The lines of the moved statements; a run of them that leaves two blank lines
    together, or a blank line right under `def setUp(self):`, takes the blank lines below
    it along."""
    spans = [_statement_lines(s) for s in moved]
    removed = {line for span in spans for line in range(span.start_line, span.end_line)}
    header = setup.children[-1].children[0].start_pos[0] - 1  # the line ending in `:`
    result = []
    for span in spans:
        end = span.end_line
        if end not in removed:  # the last statement of a run
            above = span.start_line - 1
            while above in removed:
                above -= 1
            if above == header or (above > header and not lines[above].strip()):
                while end < setup.end_pos[0] - 1 and not lines[end].strip():
                    end += 1
        result.append(Span(span.start_line, 0, end, 0))
    return result


def _first_leaf(function: Any) -> Any:
    """The first decorator or the `def` keyword."""
    parent = function.parent
    return (
        parent.get_first_leaf()
        if parent.type == "decorated"
        else function.get_first_leaf()
    )


def _statement_lines(statement: Any) -> Span:
    """The statement's lines with the comment lines right above it."""
    start = _comment_start(statement)
    end_line, end_column = statement.end_pos
    end = end_line - 1 if end_column == 0 else end_line
    return Span(start, 0, end, 0)


def _comment_start(statement: Any) -> int:
    """0-based first line of the comment block right above the statement (or its line)."""
    first = statement.get_first_leaf()
    prefix_lines = first.prefix.split("\n")
    line = first.start_pos[0] - 1
    for text in reversed(prefix_lines[:-1]):
        if not text.strip().startswith("#"):
            break
        line -= 1
    return line


def _moved_text(lines: list[str], statement: Any, indent: str, target: str) -> str:
    """The statement's lines (and comments above it) re-indented, `self` -> `target`."""
    start = _comment_start(statement)
    end_line, end_column = statement.end_pos
    end = end_line - 1 if end_column == 0 else end_line
    text_lines = [list(line) for line in lines[start:end]]
    for leaf in sorted(
        iter_nodes(statement, {"name"}), key=lambda n: n.start_pos, reverse=True
    ):
        if leaf.value == "self":
            row, column = leaf.start_pos[0] - 1 - start, leaf.start_pos[1]
            text_lines[row][column : column + 4] = list(target)
    old_indent = " " * statement.start_pos[1]
    result = []
    for chars in text_lines:
        line = "".join(chars)
        body_line = (
            line[len(old_indent) :] if line.startswith(old_indent) else line.lstrip()
        )
        result.append(indent + body_line if line.strip() else line)
    return "\n".join(result) + "\n"
