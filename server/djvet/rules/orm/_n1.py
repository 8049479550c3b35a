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
from djvet.core.model import Diagnostic, Fix, Related, Span
from djvet.core.rule import Rule
from djvet.project.models import model_graph
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
from djvet.project.qsfix import kinds, loaded, queryset_fix
from djvet.project.querysets import Loop, QuerySetValue


def analysis(ctx: FileContext) -> Analysis:
    if "n1" not in ctx.cache:
        ctx.cache["n1"] = analyse(ctx.project, ctx.path, ctx.tree)
    return ctx.cache["n1"]


def missing(
    ctx: FileContext, kinds: tuple[str, ...]
) -> Iterator[tuple[Access, QuerySetValue]]:
    """Accesses of the given kinds that the loop's queryset does not load."""
    graph = model_graph(ctx.project)
    for access in analysis(ctx).accesses:
        if access.kind not in kinds:
            continue
        # A query on the relation (`.filter()`) bypasses any prefetch: always one per row.
        queryset = access.queryset
        if queryset is None:
            # an instance of unknown origin: nothing is selected
            if access.kind == FK_ID:
                yield access, QuerySetValue(access.relation.model)
            continue
        if access.kind in (BYPASSED, DEFERRED) or not loaded(
            graph, queryset, access.path
        ):
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
    paths = sorted(
        {
            a.path
            for a in accesses
            if a.kind in (SELECT, PREFETCH) and not loaded(graph, queryset, a.path)
        }
    )
    deferred = sorted({a.path[0] for a in accesses if a.kind == DEFERRED})
    if paths and queryset.select_all:
        # Naming paths replaces select_related()'s follow-all: name every path used (c35).
        paths = sorted(
            {
                *paths,
                *(
                    a.path
                    for a in accesses
                    if a.kind in (SELECT, FK_ID) and not nested(ctx, a)
                ),
            }
        )
    scope = search_ancestor(loop.node, "funcdef", "classdef", "file_input")
    return queryset_fix(
        ctx.project,
        queryset,
        paths,
        deferred=deferred,
        scope=scope,
        own=(ctx.path, ctx.tree),
    )


def diagnostics(
    rule: Rule, ctx: FileContext, kinds: tuple[str, ...], message: Any, keep: Any = None
) -> Iterator[Diagnostic]:
    for access, queryset in missing(ctx, kinds):
        if keep is not None and not keep(access):
            continue
        fix = loop_fix(ctx, access.loop) if access.kind != FK_ID else None
        yield rule.diagnostic(
            ctx,
            access.span,
            message=message(access, queryset),
            fix=fix,
            related=related(queryset),
        )


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
