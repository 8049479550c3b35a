"""Admin changelists, read statically (DJV107).

What the changelist of a `ModelAdmin` reads per row (`list_display` entries: FK
columns and the `__str__` of their targets, `fk__field` lookups, admin methods,
model methods and properties, callables) and what its queryset loads, the way
Django 5.2 builds it (runtime ground truth, tests/n1/README.md):

- the admin's queryset is the default manager's (or a `get_queryset` override);
- `list_select_related` (`True` or a tuple), or when it is unset an argument-less
  `select_related()` as soon as `list_display` names an FK, is applied **only when that
  queryset has no `select_related` yet**; `select_related()` follows non-null FKs only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from djvet.core.model import Applicability, Edit, Fix, Span
from djvet.core.parso_utils import (
    call_arguments,
    call_parts,
    code_of,
    list_items,
    string_value,
)
from djvet.project.drf import (
    BYPASSED,
    PREFETCH,
    SELECT,
    Classes,
    ClassRef,
    InstanceScan,
    Lineage,
    Read,
    override_queryset,
)
from djvet.project.index import ProjectIndex
from djvet.project.models import ModelGraph, model_graph
from djvet.project.qsfix import kinds, queryset_fix
from djvet.project.querysets import (
    Evaluator,
    Instance,
    ModelClass,
    PrefetchEntry,
    QuerySetValue,
)

ADMIN_ROOT = "django."
NOT_CHANGELISTS = {
    "InlineModelAdmin",
    "TabularInline",
    "StackedInline",
    "BaseModelAdmin",
    "GenericInlineModelAdmin",
    "GenericTabularInline",
    "GenericStackedInline",
}


@dataclass
class Changelist:
    ref: ClassRef
    lineage: Lineage
    model: str
    entries: list[tuple[Any, Any]]  # (node to report at, entry node or "__str__")
    display: tuple[ClassRef, Any] | None  # where `list_display` is set
    select_related: Any  # True, False, a tuple of lookups, or None (unset)
    select_node: tuple[ClassRef, Any] | None
    queryset: QuerySetValue  # the admin's own queryset (before the changelist's joins)
    override: tuple[ClassRef, Any] | None  # a `get_queryset` method

    @property
    def manager_selects(self) -> bool:
        """The admin's queryset already selects: `list_select_related` is ignored."""
        return bool(self.queryset.select or self.queryset.select_all)


def admin_classes(project: ProjectIndex, path: str, tree: Any) -> list[Changelist]:
    classes = Classes(project)
    registered = _registrations(project, path, tree)
    found = []
    for node in tree.iter_classdefs():
        ref = ClassRef(path, node)
        lineage = classes.lineage(ref)
        roots = {name.rsplit(".", 1)[-1] for name in lineage.external}
        if not lineage.external or any(
            not n.startswith(ADMIN_ROOT) for n in lineage.external
        ):
            continue  # an unknown base (a third-party admin) may change the queryset
        if not any(r.endswith("Admin") for r in roots) or roots & NOT_CHANGELISTS:
            continue
        for model in _models_of(project, path, node, registered):
            changelist = _changelist(project, lineage, model)
            if changelist is not None:
                found.append(changelist)
    return found


def _registrations(project: ProjectIndex, path: str, tree: Any) -> dict[str, list[Any]]:
    """`admin.site.register(Model, AdminClass)` calls: class name -> model nodes."""
    result: dict[str, list[Any]] = {}
    for leaf in tree.get_used_names().get("register", []):
        trailer = (
            leaf.parent.get_next_sibling()
            if leaf.parent.type == "trailer"
            else leaf.get_next_sibling()
        )
        if (
            trailer is None
            or trailer.type != "trailer"
            or trailer.children[0] != "("
            or len(trailer.children) != 3
        ):
            continue
        positional, _ = call_arguments(trailer.children[1])
        if len(positional) >= 2 and positional[1].type == "name":
            models = list_items(positional[0]) or [positional[0]]
            result.setdefault(positional[1].value, []).extend(models)
    return result


def _models_of(
    project: ProjectIndex, path: str, node: Any, registered: dict[str, list[Any]]
) -> list[str]:
    nodes = list(registered.get(node.name.value, []))
    decorated = node.parent.children[0] if node.parent.type == "decorated" else None
    decorators = (
        []
        if decorated is None
        else [decorated]
        if decorated.type == "decorator"
        else decorated.children
    )
    for decorator in decorators:
        expression = decorator.children[1]
        parts = (
            call_parts(expression)
            if expression.type in ("atom_expr", "power")
            else None
        )
        if parts is not None and parts[0].rsplit(".", 1)[-1] == "register":
            nodes.extend(call_arguments(parts[1])[0])
    evaluator = Evaluator(project, path, node.get_root_node())
    labels = []
    for model_node in nodes:
        value = evaluator.value(model_node)
        if isinstance(value, ModelClass) and value.model not in labels:
            labels.append(value.model)
    return labels


def _changelist(
    project: ProjectIndex, lineage: Lineage, model: str
) -> Changelist | None:
    graph = model_graph(project)
    info = graph.get(model)
    if (
        info is None
        or info.presumed
        or lineage.method("get_list_display")
        or lineage.method("get_list_select_related")
        or lineage.method("get_changelist")
    ):
        return None  # dynamic: quiet
    display = lineage.attribute("list_display")
    if display is None:
        entries = [(lineage.chain[0].node.name, "__str__")]
    else:
        items = list_items(display[1])
        if items is None:
            return None
        entries = [(item, item) for item in items]
    select = lineage.attribute("list_select_related")
    value = _select_value(select[1]) if select else False
    if value is _UNKNOWN:
        return None
    queryset = _admin_queryset(project, lineage, model, graph)
    if queryset is None or queryset.uncertain or queryset.values:
        return None
    return Changelist(
        lineage.chain[0],
        lineage,
        model,
        entries,
        display,
        value,
        select,
        queryset,
        lineage.method("get_queryset"),
    )


_UNKNOWN = object()


def _select_value(node: Any) -> Any:
    text = code_of(node)
    if text in ("True", "False"):
        return text == "True"
    items = list_items(node)
    if items is None or any(string_value(i) is None for i in items):
        return _UNKNOWN
    return tuple(string_value(i) for i in items)


def default_queryset(graph: ModelGraph, model: str) -> QuerySetValue:
    """The default manager's queryset, with the joins its `get_queryset` adds."""
    queryset = QuerySetValue(model)
    info = graph.get(model)
    manager = info.default_manager if info is not None else None
    method = manager.methods.get("get_queryset") if manager is not None else None
    if method is None:
        return queryset
    for name, args in _calls(method, ("select_related", "prefetch_related")):
        positional, _ = call_arguments(args)
        lookups = [string_value(a) for a in positional]
        if not all(lookups):
            return replace(queryset, uncertain=True)
        if name == "select_related":
            queryset = replace(
                queryset, select=queryset.select | set(lookups), select_all=not lookups
            )
        else:
            queryset = replace(
                queryset,
                prefetch=queryset.prefetch + tuple(PrefetchEntry(x) for x in lookups),
            )
    return queryset


def _calls(function: Any, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    found, stack = [], [function]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", ()))
        if (
            node.type == "trailer"
            and node.children[0] == "."
            and node.children[1].value in names
        ):
            following = node.get_next_sibling()
            if (
                following is not None
                and following.type == "trailer"
                and following.children[0] == "("
            ):
                found.append(
                    (
                        node.children[1].value,
                        following.children[1] if len(following.children) == 3 else None,
                    )
                )
    return found


def _admin_queryset(
    project: ProjectIndex, lineage: Lineage, model: str, graph: ModelGraph
) -> QuerySetValue | None:
    base = default_queryset(graph, model)
    found = lineage.method("get_queryset")
    if found is None:
        return base
    cls, function = found
    return override_queryset(
        project, cls.path, function, lambda kind, _: base if kind == "super" else None
    )


def changelist_queryset(graph: ModelGraph, changelist: Changelist) -> QuerySetValue:
    """The queryset the changelist iterates, after its own `select_related`."""
    queryset = changelist.queryset
    if changelist.manager_selects:
        return queryset
    value = changelist.select_related
    if value is True or (value is False and auto_select(graph, changelist)):
        return replace(queryset, select_all=True)
    if isinstance(value, tuple) and value:
        return replace(queryset, select=queryset.select | set(value))
    return queryset


def auto_select(graph: ModelGraph, changelist: Changelist) -> bool:
    """Django's `select_related()` for an FK named in `list_display` (no `list_select_related`)."""
    for _, entry in changelist.entries:
        name = entry if isinstance(entry, str) else string_value(entry)
        relation = graph.field(changelist.model, name) if name else None
        if relation is not None and relation.kind in ("fk", "o2o"):
            return True
    return False


# -- what each entry reads ---------------------------------------------------------------
def entry_reads(
    project: ProjectIndex, changelist: Changelist, anchor: Any, entry: Any
) -> list[Read] | None:
    """The relation reads of one `list_display` entry for one row; None when unknown."""
    graph = model_graph(project)
    span = Span.of(anchor)
    where = changelist.ref.path
    scan = InstanceScan(project, changelist.model, changelist.ref.node)
    instance = Instance(changelist.model)
    info = graph.get(changelist.model)
    name = entry if isinstance(entry, str) else string_value(entry)
    label = name or code_of(entry)
    if name is None:
        function = _callable(entry)
        if function is None:
            return None
        scan.function(where, function, 0, instance, span)
        return scan.reads(label, where, "")
    if name in ("__str__", "action_checkbox") or name in info.methods:
        if name == "action_checkbox":
            return []
        scan.method(info.path, instance, name, span, f"{info.name}.{name}")
        return scan.reads(label, where, f"`{info.name}.{name}`")
    method = changelist.lineage.method(name)
    if method is not None:
        scan.function(method[0].path, method[1], 1, instance, span)
        return scan.reads(label, where, f"`{name}()`")
    return _lookup_reads(project, changelist, name, span, scan)


def _lookup_reads(
    project: ProjectIndex,
    changelist: Changelist,
    name: str,
    span: Span,
    scan: InstanceScan,
) -> list[Read] | None:
    """A field, an FK column (shown with its target's `__str__`) or `fk__field`."""
    graph = model_graph(project)
    model, path, reads = changelist.model, (), []
    parts = name.split("__")
    for index, part in enumerate(parts):
        relation = graph.field(model, part)
        if relation is None:
            if any(f.attname == part for f in graph.get(model).fields.values()):
                return reads  # `author_id`: the column
            return None
        if relation.kind == "field":
            return reads
        if relation.many or relation.target is None:
            return None  # not allowed in `list_display` (admin.E109)
        path = (*path, part)
        reads.append(Read(path, SELECT, name, changelist.ref.path, span, ""))
        model = relation.target
        if index == len(parts) - 1:
            target = graph.get(model)
            if target is not None and "__str__" in target.methods:
                scan.method(
                    target.path,
                    Instance(model, None, path),
                    "__str__",
                    span,
                    f"{target.name}.__str__",
                )
                reads.extend(
                    scan.reads(name, changelist.ref.path, f"`{target.name}.__str__`")
                )
    return reads


def _callable(entry: Any) -> Any | None:
    if entry.type == "lambdef":
        return entry
    if entry.type != "name":
        return None
    for function in entry.get_root_node().iter_funcdefs():
        if function.name.value == entry.value:
            return function
    return None


# -- the fix: `list_select_related`, or a `get_queryset` override ------------------------
def single_valued(graph: ModelGraph, model: str, path: tuple[str, ...]) -> bool:
    hops = kinds(graph, model, path)
    return hops is not None and all(k in ("fk", "o2o", "reverse_o2o") for k in hops)


def admin_fix(
    project: ProjectIndex,
    changelist: Changelist,
    reads: list[Read],
    missing: list[Read],
    complete: bool,
    quote: str,
) -> Fix | None:
    """Load every missing path: `list_select_related` for FK paths (unless the admin's
    queryset already selects, which makes Django ignore it), `get_queryset` otherwise."""
    graph = model_graph(project)
    paths = sorted({r.path for r in missing if r.kind != BYPASSED})
    if not paths:
        return None
    joins = [p for p in paths if single_valued(graph, changelist.model, p)]
    through_queryset = (
        paths if changelist.manager_selects else [p for p in paths if p not in joins]
    )
    edits: list[Edit] = []
    safe = True
    if through_queryset:
        found = _queryset_edits(project, changelist, through_queryset, quote)
        if found is None:
            return None
        edits.extend(found)
        safe = False  # every admin view (change form, actions, deletes) gets the joins
    if joins and not changelist.manager_selects:
        used = {
            r.path
            for r in reads
            if r.kind == SELECT and single_valued(graph, changelist.model, r.path)
        }
        existing = (
            changelist.select_related
            if isinstance(changelist.select_related, tuple)
            else ()
        )
        lookups = _minimal({*map("__".join, used | set(joins)), *existing})
        edit, extends = _select_related_edit(
            changelist, lookups, [x for x in lookups if x not in existing], quote
        )
        edits.append(edit)
        # Replacing `True` or Django's automatic `select_related()` by names drops joins
        # that entries djvet could not read may need.
        joins_all = changelist.select_related is True or (
            changelist.select_related is False and auto_select(graph, changelist)
        )
        safe = safe and (extends or complete or not joins_all)
    title = (
        "Add the relations to `list_select_related`"
        if not through_queryset
        else "Load the relations in `get_queryset()`"
    )
    return Fix.make(title, edits, Applicability.SAFE if safe else Applicability.UNSAFE)


def _minimal(lookups: set[str]) -> list[str]:
    return sorted(
        x for x in lookups if not any(o.startswith(x + "__") for o in lookups)
    )


def _tuple(lookups: list[str], quote: str) -> str:
    items = ", ".join(f"{quote}{x}{quote}" for x in lookups)
    return f"({items},)" if len(lookups) == 1 else f"({items})"


def _select_related_edit(
    changelist: Changelist, lookups: list[str], added: list[str], quote: str
) -> tuple[Edit, bool]:
    """(the edit, whether it only extends an explicit tuple)."""
    path = changelist.ref.path
    if (
        changelist.select_node is not None
        and changelist.select_node[0] == changelist.ref
    ):
        node = changelist.select_node[1]
        if (
            isinstance(changelist.select_related, tuple)
            and node.type == "atom"
            and added
        ):
            return _append_items(node, added, quote, path), True
        return Edit(Span.of(node), _tuple(lookups, quote), path), False
    statement = f"list_select_related = {_tuple(lookups, quote)}"
    display = changelist.display
    if display is not None and display[0] == changelist.ref:
        line = display[1].parent.parent  # the line of `list_display = ...`
        indent = " " * line.start_pos[1]
        if line.type == "simple_stmt" and line.end_pos[1] == 0:
            return Edit(
                Span.point(line.end_pos[0] - 1, 0), f"{indent}{statement}\n", path
            ), False
    first = _body_statements(changelist.ref.node)[0]
    indent = " " * first.start_pos[1]
    return Edit(
        Span.point(first.start_pos[0] - 1, first.start_pos[1]),
        f"{statement}\n{indent}",
        path,
    ), False


def _append_items(atom: Any, added: list[str], quote: str, path: str) -> Edit:
    text = ", ".join(f"{quote}{x}{quote}" for x in added)
    inner = atom.children[1] if len(atom.children) == 3 else None
    if inner is None:  # `()`
        closing = atom.children[-1]
        return Edit(
            Span.point(closing.start_pos[0] - 1, closing.start_pos[1]), text + ",", path
        )
    last = inner.children[-1] if inner.type == "testlist_comp" else inner
    line, column = last.end_pos
    if last.type == "operator" and last.value == ",":
        # `("book",)` becomes `("book", "editor")`; a multi-line tuple keeps its comma.
        one_line = atom.start_pos[0] == atom.end_pos[0]
        return Edit(
            Span.point(line - 1, column), f" {text}" if one_line else f" {text},", path
        )
    return Edit(Span.point(line - 1, column), f", {text}", path)


def _body_statements(classdef: Any) -> list[Any]:
    return [
        c
        for c in classdef.get_suite().children
        if c.type not in ("newline", "operator")
        and not (c.type == "simple_stmt" and c.children[0].type == "string")
    ] or [classdef.get_suite().children[-1]]


def _queryset_edits(
    project: ProjectIndex,
    changelist: Changelist,
    paths: list[tuple[str, ...]],
    quote: str,
) -> list[Edit] | None:
    """Edit the admin's own `get_queryset` override, or add one calling `super()`."""
    override = changelist.override
    if override is not None and override[0] == changelist.ref:
        fix = queryset_fix(project, changelist.queryset, paths, scope=override[1])
        return list(fix.edits) if fix is not None else None
    graph = model_graph(project)
    joins = [p for p in paths if single_valued(graph, changelist.model, p)]
    rest = [p for p in paths if p not in joins]
    calls = ""
    if joins:
        calls += f".select_related({', '.join(quote + x + quote for x in _minimal(set(map('__'.join, joins))))})"
    if rest:
        calls += f".prefetch_related({', '.join(quote + x + quote for x in _minimal(set(map('__'.join, rest))))})"
    last = changelist.ref.node.get_suite().children[-1]
    indent = " " * _body_statements(changelist.ref.node)[0].start_pos[1]
    line, column = last.end_pos
    text = (
        f"\n{indent}def get_queryset(self, request):\n"
        f"{indent}    return super().get_queryset(request){calls}\n"
    )
    return [Edit(Span.point(line - 1, column), text, changelist.ref.path)]


__all__ = [
    "BYPASSED",
    "PREFETCH",
    "SELECT",
    "Changelist",
    "admin_classes",
    "admin_fix",
    "auto_select",
    "changelist_queryset",
    "entry_reads",
    "single_valued",
]
