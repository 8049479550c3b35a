"""Shared machinery of the N+1 rules (DJV101–DJV104, DJV109).

The loop analysis runs once per checked file (cached on the context); each rule picks
its kind of access. Every finding of one loop carries the same fix: one edit of the
queryset adding *all* the relations the loop misses, so applying any of them clears
them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parso.tree import search_ancestor

from djvet.core.context import FileContext
from djvet.core.edits import insert_at
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Related, Span
from djvet.core.rule import Rule
from djvet.project.models import ModelGraph, model_graph
from djvet.project.modules import tree_of
from djvet.project.nplusone import (
    BYPASSED,
    DEFERRED,
    FK_ID,
    PREFETCH,
    SELECT,
    Access,
    Analysis,
    analyse,
)
from djvet.project.qsfix import (
    applicability,
    edits_for,
    kinds,
    loaded,
    only_args_edit,
    plan_for,
    quote_style,
)
from djvet.project.querysets import Loop, QuerySetValue


def analysis(ctx: FileContext) -> Analysis:
    if "n1" not in ctx.cache:
        ctx.cache["n1"] = analyse(ctx.project, ctx.path, ctx.tree)
    return ctx.cache["n1"]


def missing(ctx: FileContext, kinds: tuple[str, ...]) -> Iterator[tuple[Access, QuerySetValue]]:
    """Accesses of the given kinds that the loop's queryset does not load."""
    graph = model_graph(ctx.project)
    for access in analysis(ctx).accesses:
        if access.kind not in kinds:
            continue
        # A query on the relation (`.filter()`) bypasses any prefetch: always one per row.
        queryset = access.queryset
        if queryset is None:
            if access.kind == FK_ID:  # an instance of unknown origin: nothing is selected
                yield access, QuerySetValue(access.relation.model)
            continue
        if access.kind in (BYPASSED, DEFERRED) or not loaded(graph, queryset, access.path):
            yield access, queryset


def where(queryset: QuerySetValue, ctx: FileContext) -> str:
    origin = queryset.origin
    if origin is None:
        return "the queryset comes from outside this function"
    place = ctx.config.relative(origin.path)
    return f"queryset built at {place}:{origin.line}"


def related(queryset: QuerySetValue) -> tuple[Related, ...]:
    origin = queryset.origin
    if origin is None:
        return ()
    return (Related(origin.path, Span.of(origin.chain), "the queryset is built here"),)


def loop_fix(ctx: FileContext, loop: Loop) -> Fix | None:
    """One fix for every relation the loop misses (merged into a single edit)."""
    key = f"fix:{id(loop.node)}"
    if key not in ctx.cache:
        ctx.cache[key] = _loop_fix(ctx, loop)
    return ctx.cache[key]


def _loop_fix(ctx: FileContext, loop: Loop) -> Fix | None:
    graph = model_graph(ctx.project)
    queryset = loop.queryset
    accesses = [a for a in analysis(ctx).accesses if a.loop is loop]
    paths = sorted({a.path for a in accesses
                    if a.kind in (SELECT, PREFETCH) and not loaded(graph, queryset, a.path)})
    deferred = sorted({a.path[0] for a in accesses if a.kind == DEFERRED})
    if (not paths and not deferred) or queryset.origin is None or queryset.values or queryset.raw:
        return None
    if deferred and queryset.only_call is None:
        return None  # `defer()`: removing names from it is a manual change
    if paths and queryset.select_all:
        # Naming paths replaces select_related()'s follow-all: name every path used (c35).
        paths = sorted({*paths, *(a.path for a in accesses if a.kind in (SELECT, FK_ID)
                                  and not nested(ctx, a))})
    origin = queryset.origin
    tree = tree_of(ctx.project, origin.path) if origin.path != ctx.path else ctx.tree
    quote = quote_style(tree.get_code() if tree is not None else ctx.text)
    prefetch_name, import_edits = _prefetch_name(ctx, graph, origin.path, tree)
    def class_name(label: str) -> str | None:
        info = graph.get(label)
        if info is None or tree is None:
            return None
        resolved = graph.resolve(origin.path, tree, info.name)
        return info.name if resolved is not None and resolved.label == info.label else None

    select, prefetch, needs_import, inner = plan_for(graph, queryset, paths, quote, prefetch_name, class_name)
    edits: list[Edit] = []
    if select or prefetch:
        edits.extend(edits_for(queryset, select, prefetch, quote))
    only_extra = [*deferred, *(s.split("__")[0] for s in select)] if queryset.only is not None else []
    only_extra = sorted({name for name in only_extra if name not in queryset.only}) if only_extra else []
    if only_extra and queryset.only_call is not None:
        # A field both deferred and followed by select_related raises FieldError: load it.
        edits.append(only_args_edit(queryset, only_extra, quote))
    for inner_queryset, rest in inner:
        if inner_queryset.origin is None:
            return None
        inner_select, inner_prefetch, _, _ = plan_for(graph, inner_queryset, [rest], quote, None)
        edits.extend(edits_for(inner_queryset, inner_select, inner_prefetch, quote))
    if not edits:
        return None
    if needs_import:
        edits.extend(import_edits)
    level = applicability(queryset, search_ancestor(loop.node, "funcdef", "classdef", "file_input"))
    if level is Applicability.DISPLAY_ONLY:
        return None
    return Fix.make(_title(select, prefetch, inner, only_extra), edits, level)


def _title(select: list[str], prefetch: list[str], inner: list[Any], only: list[str] = ()) -> str:
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


def _prefetch_name(ctx: FileContext, graph: ModelGraph, path: str, tree: Any) -> tuple[str | None, list[Edit]]:
    """How the origin file can spell `Prefetch`, and the import edit if it must be added."""
    if tree is None:
        return None, []
    imports = list(tree.iter_imports())
    for node in imports:
        if node.type == "import_from" and any(n.value == "Prefetch" for n in node.get_defined_names()):
            return "Prefetch", []
    for node in imports:
        code = node.get_code(include_prefix=False)
        if node.type == "import_from" and code.startswith("from django.db import") and " models" in code:
            return "models.Prefetch", []
    line = imports[-1].end_pos[0] if imports else 0
    edit = insert_at(line, 0, "from django.db.models import Prefetch\n", path=path)
    return "Prefetch", [edit]


def diagnostics(rule: Rule, ctx: FileContext, kinds: tuple[str, ...], message: Any,
                keep: Any = None) -> Iterator[Diagnostic]:
    for access, queryset in missing(ctx, kinds):
        if keep is not None and not keep(access):
            continue
        fix = loop_fix(ctx, access.loop) if access.kind != FK_ID else None
        yield rule.diagnostic(ctx, access.span, message=message(access, queryset), fix=fix,
                              related=related(queryset))


def nested(ctx: FileContext, access: Access) -> bool:
    """True when the access sits below a multi-valued hop (`book.chapters.all()` → `c.editor`)."""
    if access.queryset is None:
        return False
    hops = kinds(model_graph(ctx.project), access.queryset.model, access.path)
    return bool(hops) and any(k not in ("fk", "o2o", "reverse_o2o") for k in hops[:-1])


def model_name(ctx: FileContext, label: str) -> str:
    info = model_graph(ctx.project).get(label)
    return info.name if info is not None else label.rsplit(".", 1)[-1]


def via(access: Access) -> str:
    return f" (through `{access.via}`)" if access.via else ""
