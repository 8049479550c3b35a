"""Which columns of a model have an index, read from its field options and `Meta`
(DJV118).

A field is indexed by `primary_key`, `unique`, `db_index=True`, being a foreign key,
or by leading an index: `Meta.indexes` (`Index`, `GinIndex`, ..., functional ones
too), `Meta.constraints` (`UniqueConstraint`), `unique_together`, `index_together`.
The later columns of a composite index serve a query only together with the columns
before them, so `Indexes.serves(field, filtered)` is asked per query. Anything djvet
cannot read (`indexes = Base.Meta.indexes + [...]`) means "maybe indexed".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from djvet.project.models import Expr, FieldInfo, ModelInfo

_INDEX_OPTIONS = ("primary_key", "unique", "db_index")


@dataclass
class Indexes:
    # each index's fields, in order
    columns: list[tuple[str, ...]] = field(default_factory=list)
    # fields in functional or partial indexes
    touched: set[str] = field(default_factory=set)
    unknown: bool = False  # some Meta option djvet cannot read

    def serves(self, name: str, filtered: frozenset[str]) -> bool:
        """Whether some index can serve a query on `name` that also filters `filtered`."""
        if self.unknown or name in self.touched:
            return True
        for columns in self.columns:
            if name in columns and all(
                c in filtered for c in columns[: columns.index(name)]
            ):
                return True
        return False


def option_state(info: FieldInfo) -> str:
    """ "indexed", "unindexed", or "unknown" (an option djvet cannot read, `db_index=False`
    chosen on purpose, `**options`)."""
    options = info.options
    if any(isinstance(options.get(key), Expr) for key in _INDEX_OPTIONS):
        return "unknown"
    if any(options.get(key) is True for key in _INDEX_OPTIONS):
        return "indexed"
    if options.get("db_index") is False:
        return "unknown"
    return "unindexed"


def model_indexes(model: ModelInfo) -> Indexes:
    indexes = Indexes()
    meta = model.meta
    for key in ("unique_together", "index_together"):
        _together(indexes, meta.get(key))
    for key in ("indexes", "constraints"):
        value = meta.get(key)
        if value is None:
            continue
        tree = _parse(value)
        if tree is None or not isinstance(tree, (ast.List, ast.Tuple)):
            indexes.unknown = True
            continue
        for item in tree.elts:
            _index(indexes, item)
    return indexes


def _together(indexes: Indexes, value: object) -> None:
    if value is None:
        return
    if isinstance(value, Expr) or not isinstance(value, (list, tuple)):
        indexes.unknown = True
        return
    groups = [value] if value and all(isinstance(v, str) for v in value) else value
    for group in groups:
        if isinstance(group, (list, tuple)) and all(isinstance(v, str) for v in group):
            indexes.columns.append(tuple(group))
        else:
            indexes.unknown = True


def _parse(value: object) -> ast.AST | None:
    if isinstance(value, (list, tuple)):
        return ast.List(elts=[], ctx=ast.Load()) if not value else None
    try:
        return ast.parse(str(value), mode="eval").body
    except SyntaxError:
        return None


def _index(indexes: Indexes, item: ast.AST) -> None:
    if not isinstance(item, ast.Call):
        indexes.unknown = True
        return
    name = (
        item.func.attr
        if isinstance(item.func, ast.Attribute)
        else getattr(item.func, "id", "")
    )
    if name == "CheckConstraint":
        return
    keywords = {k.arg: k.value for k in item.keywords if k.arg}
    fields = keywords.get("fields")
    if isinstance(fields, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in fields.elts
    ):
        columns = tuple(e.value.lstrip("-") for e in fields.elts)  # type: ignore[attr-defined]
        if "condition" in keywords:
            indexes.touched.update(columns)  # a partial index: may serve some queries
        else:
            indexes.columns.append(columns)
    elif fields is not None:
        indexes.unknown = True
    # Functional indexes and exclusion constraints: every field they mention may be served.
    for node in [*item.args, *(keywords[k] for k in ("expressions",) if k in keywords)]:
        indexes.touched.update(_mentioned(node))


def _mentioned(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            names.add(child.value.lstrip("-").split("__")[0])
    return names
