"""Is a relation path loaded by a queryset, and which edit loads it? (N1-NOTES 4.4)

Edits go where the queryset is built: into an existing `select_related(...)` /
`prefetch_related(...)` call, else right after the manager (`Book.objects▮.filter()`),
or after a manager-only method, or at the end of a call returning a queryset. An
existing `Prefetch("chapters", queryset=Q)` is extended inside `Q`.
"""

from __future__ import annotations

from typing import Any

from djvet.core.model import Applicability, Edit, Fix, Span
from djvet.project.index import ProjectIndex
from djvet.project.models import ModelGraph, model_graph
from djvet.project.modules import tree_of
from djvet.project.querysets import QuerySetValue

PREFETCH_IMPORT = "from django.db.models import Prefetch\n"


def kinds(graph: ModelGraph, model: str, path: tuple[str, ...]) -> list[str] | None:
    """The relation kind of every hop of `path`, or None when a hop is unknown."""
    result = []
    current = model
    for attribute in path:
        relation = graph.field(current, attribute)
        if relation is None or relation.target is None:
            return None
        result.append(relation.kind)
        current = relation.target
    return result


def _non_null_forward(graph: ModelGraph, model: str, path: tuple[str, ...]) -> bool:
    current = model
    for attribute in path:
        relation = graph.field(current, attribute)
        if relation is None or relation.kind not in ("fk", "o2o") or relation.null:
            return False
        current = relation.target
    return True


def loaded(graph: ModelGraph, queryset: QuerySetValue, path: tuple[str, ...]) -> bool:
    """Whether iterating `queryset` already loads the relation `path` (no query per row)."""
    if queryset.uncertain:
        return True  # unknown custom methods or dynamic lookups: stay quiet
    lookup = "__".join(path)
    if any(s == lookup or s.startswith(lookup + "__") for s in queryset.select):
        return True
    if queryset.select_all and _non_null_forward(graph, queryset.model, path):
        return True
    for entry in queryset.prefetch:
        if entry.to_attr is not None:
            continue  # a to_attr prefetch loads only its own attribute (R10/R11)
        if entry.lookup == lookup or entry.lookup.startswith(lookup + "__"):
            return True
        prefix = entry.lookup + "__"
        if lookup.startswith(prefix) and entry.inner is not None:
            rest = tuple(lookup[len(prefix) :].split("__"))
            if loaded(graph, entry.inner, rest):
                return True
    # select_related("author") + prefetch_related("author__books") style combinations.
    for selected in queryset.select:
        prefix = selected + "__"
        if lookup.startswith(prefix) and any(
            e.lookup == lookup or e.lookup.startswith(lookup + "__")
            for e in queryset.prefetch
        ):
            return True
    return False


def plan_for(
    graph: ModelGraph,
    queryset: QuerySetValue,
    paths: list[tuple[str, ...]],
    quote: str,
    prefetch_name: str | None,
    class_name: Any = None,
) -> tuple[list[str], list[str], bool, list[tuple[QuerySetValue, tuple[str, ...]]]]:
    """Split missing paths into select lookups, prefetch arguments and inner-Prefetch edits."""
    select: list[str] = []
    prefetch: list[str] = []
    inner: list[tuple[QuerySetValue, tuple[str, ...]]] = []
    needs_import = False
    for path in _minimal(paths):
        hop_kinds = kinds(graph, queryset.model, path)
        if hop_kinds is None:
            continue
        lookup = "__".join(path)
        many_at = next(
            (
                i
                for i, k in enumerate(hop_kinds)
                if k not in ("fk", "o2o", "reverse_o2o")
            ),
            None,
        )
        if many_at is None:
            select.append(lookup)
            continue
        prefix = "__".join(path[: many_at + 1])
        existing = next(
            (
                e
                for e in queryset.prefetch
                if e.lookup == prefix and e.inner is not None and e.to_attr is None
            ),
            None,
        )
        if existing is not None and len(path) > many_at + 1:
            inner.append((existing.inner, path[many_at + 1 :]))
            continue
        tail = path[many_at + 1 :]
        tail_kinds = hop_kinds[many_at + 1 :]
        target_label = _target_label(graph, queryset.model, path[: many_at + 1])
        # A Prefetch names the target class: only when the file can spell it.
        target = (
            class_name(target_label)
            if class_name is not None and target_label
            else None
        )
        if (
            tail
            and all(k in ("fk", "o2o", "reverse_o2o") for k in tail_kinds)
            and target
            and prefetch_name
            and not any(e.lookup == prefix for e in queryset.prefetch)
        ):
            q = quote
            prefetch.append(
                f"{prefetch_name}({q}{prefix}{q}, queryset={target}.objects.select_related({q}{'__'.join(tail)}{q}))"
            )
            needs_import = needs_import or prefetch_name == "Prefetch"
        else:
            prefetch.append(f"{quote}{lookup}{quote}")
    return select, _dedupe_prefetch(prefetch), needs_import, inner


def _dedupe_prefetch(items: list[str]) -> list[str]:
    """Two Prefetch objects for one lookup raise ValueError: keep the first (X01/X02)."""
    seen, result = set(), []
    for item in items:
        key = item.split(",")[0]
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _minimal(paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Drop paths that a longer path in the list already loads (`a` when `a__b` is there)."""
    unique = sorted(set(paths), key=lambda p: (-len(p), p))
    kept: list[tuple[str, ...]] = []
    for path in unique:
        if not any(other[: len(path)] == path for other in kept):
            kept.append(path)
    return sorted(kept)


def _target_label(graph: ModelGraph, model: str, path: tuple[str, ...]) -> str | None:
    current = model
    for attribute in path:
        relation = graph.field(current, attribute)
        if relation is None or relation.target is None:
            return None
        current = relation.target
    return current


def edits_for(
    queryset: QuerySetValue, select: list[str], prefetch: list[str], quote: str
) -> list[Edit]:
    """Text edits adding `select` lookups and `prefetch` arguments to the queryset's source."""
    origin = queryset.origin
    assert origin is not None
    edits: list[Edit] = []
    path = origin.path
    pending = ""
    select_args = ", ".join(f"{quote}{s}{quote}" for s in select)
    if select:
        if queryset.select_all and queryset.select_calls:
            # `select_related()` follows every non-null FK; naming paths would replace that,
            # so spell out every path the loop needs (c35).
            edits.append(_append_args(queryset.select_calls[-1], select_args, path))
        elif queryset.select_calls:
            edits.append(_append_args(queryset.select_calls[-1], select_args, path))
        else:
            pending += f".select_related({select_args})"
    if prefetch:
        args = ", ".join(prefetch)
        if queryset.prefetch_calls:
            edits.append(_append_args(queryset.prefetch_calls[-1], args, path))
        else:
            pending += f".prefetch_related({args})"
        if queryset.iterator_call is not None:
            edits.append(_append_args(queryset.iterator_call, "chunk_size=2000", path))
    if pending and origin.kind == "class_model":
        # `model = Author` in a CBV: add `queryset = Author.objects.select_related(...)`.
        statement = origin.chain.parent
        line, column = statement.end_pos
        indent = " " * statement.start_pos[1]
        model = origin.chain.get_code(include_prefix=False)
        edits.append(
            Edit(
                Span.point(line - 1, column),
                f"\n{indent}queryset = {model}.objects{pending}",
                path,
            )
        )
    elif pending:
        existing = [*queryset.select_calls, *queryset.prefetch_calls]
        if existing:  # next to the select/prefetch calls already there
            anchor = max(existing, key=lambda call: call.end_pos)
        else:
            anchor = (
                origin.insert_after if origin.insert_after is not None else origin.chain
            )
        line, column = anchor.end_pos
        edits.append(Edit(Span.point(line - 1, column), pending, path))
    return edits


def _append_args(call_trailer: Any, args: str, path: str) -> Edit:
    """Insert `args` as the last arguments of a call trailer `( ... )`."""
    if len(call_trailer.children) == 2:  # `()`: no arguments yet
        line, column = call_trailer.children[-1].start_pos
        return Edit(Span.point(line - 1, column), args, path)
    last = call_trailer.children[1]
    line, column = last.end_pos
    # keep a magic trailing comma
    if last.get_code(include_prefix=False).rstrip().endswith(","):
        return Edit(Span.point(line - 1, column), f" {args},", path)
    return Edit(Span.point(line - 1, column), f", {args}", path)


def only_args_edit(queryset: QuerySetValue, names: list[str], quote: str) -> Edit:
    assert queryset.origin is not None
    args = ", ".join(f"{quote}{n}{quote}" for n in names)
    return _append_args(queryset.only_call, args, queryset.origin.path)


def applicability(queryset: QuerySetValue, loop_scope: Any) -> Applicability:
    origin = queryset.origin
    if origin is None or not origin.editable:
        return Applicability.DISPLAY_ONLY
    if queryset.has_union:
        # select_related on one side of a UNION breaks it
        return Applicability.DISPLAY_ONLY
    if origin.scope is loop_scope:
        return Applicability.SAFE
    return Applicability.UNSAFE


def quote_style(text: str) -> str:
    """The quote the file prefers for short strings (double unless single dominates)."""
    return "'" if text.count("'") > text.count('"') else '"'


# -- the whole fix ---------------------------------------------------------------------
def queryset_fix(
    project: ProjectIndex,
    queryset: QuerySetValue,
    paths: list[tuple[str, ...]],
    *,
    deferred: list[str] = (),
    scope: Any = None,
    own: tuple[str, Any] | None = None,
) -> Fix | None:
    """One fix loading every relation in `paths` (and `deferred` columns) for `queryset`.

    Used by every N+1 rule: Python loops, templates, serializers, admin. `scope` is the
    function or class that reads the rows (SAFE when the queryset is built there);
    `own` is (path, tree) of the document being checked, to reuse its tree.
    """
    graph = model_graph(project)
    if (
        (not paths and not deferred)
        or queryset.origin is None
        or queryset.values
        or queryset.raw
    ):
        return None
    if deferred and queryset.only_call is None:
        return None  # `defer()`: removing names from it is a manual change
    origin = queryset.origin
    tree = (
        own[1]
        if own is not None and own[0] == origin.path
        else tree_of(project, origin.path)
    )
    quote = quote_style(tree.get_code() if tree is not None else "")
    prefetch_name, import_edits = _prefetch_name(origin.path, tree)

    def class_name(label: str) -> str | None:
        info = graph.get(label)
        if info is None or tree is None:
            return None
        resolved = graph.resolve(origin.path, tree, info.name)
        return (
            info.name if resolved is not None and resolved.label == info.label else None
        )

    select, prefetch, needs_import, inner = plan_for(
        graph, queryset, paths, quote, prefetch_name, class_name
    )
    edits: list[Edit] = []
    if select or prefetch:
        edits.extend(edits_for(queryset, select, prefetch, quote))
    only_extra: list[str] = []
    if queryset.only is not None:
        wanted = {*deferred, *(s.split("__")[0] for s in select)}
        only_extra = sorted(name for name in wanted if name not in queryset.only)
    if only_extra and queryset.only_call is not None:
        # A field both deferred and followed by select_related raises FieldError: load it.
        edits.append(only_args_edit(queryset, only_extra, quote))
    for inner_queryset, rest in inner:
        if inner_queryset.origin is None:
            return None
        inner_select, inner_prefetch, _, _ = plan_for(
            graph, inner_queryset, [rest], quote, None
        )
        edits.extend(edits_for(inner_queryset, inner_select, inner_prefetch, quote))
    if not edits:
        return None
    if needs_import:
        edits.extend(import_edits)
    level = applicability(queryset, scope)
    if level is Applicability.DISPLAY_ONLY:
        return None
    return Fix.make(_title(select, prefetch, inner, only_extra), edits, level)


def _title(
    select: list[str], prefetch: list[str], inner: list[Any], only: list[str]
) -> str:
    parts = []
    if only:
        parts.append(f"`{', '.join(only)}` to `only()`")
    if select:
        parts.append(f"`select_related({', '.join(repr(s) for s in select)})`")
    if prefetch:
        parts.append(f"`prefetch_related({', '.join(prefetch)})`")
    if inner:
        parts.append("`select_related` inside the existing `Prefetch`")
    return "Add " + " and ".join(parts)


def _prefetch_name(path: str, tree: Any) -> tuple[str | None, list[Edit]]:
    """How the origin file can spell `Prefetch`, and the import edit if it must be added."""
    if tree is None:
        return None, []
    imports = list(tree.iter_imports())
    for node in imports:
        if node.type == "import_from" and any(
            n.value == "Prefetch" for n in node.get_defined_names()
        ):
            return "Prefetch", []
    for node in imports:
        code = node.get_code(include_prefix=False)
        if (
            node.type == "import_from"
            and code.startswith("from django.db import")
            and " models" in code
        ):
            return "models.Prefetch", []
    line = imports[-1].end_pos[0] if imports else 0
    return "Prefetch", [
        Edit(Span.point(line, 0), "from django.db.models import Prefetch\n", path)
    ]
