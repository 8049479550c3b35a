"""Class-based views: the templates they render and the context they pass.

`template_name` (or the default `<app_label>/<model_name>_list.html` / `_detail.html` /
`_form.html` / `_confirm_delete.html`), the queryset (`get_queryset()`, `queryset`,
`model`, also inherited from workspace base classes), the context names Django adds
(`object_list`, `<model_name>_list` or `context_object_name`, `page_obj`, `object`),
`extra_context` and the names `get_context_data` sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from djvet.core.parso_utils import call_arguments, iter_nodes, string_value
from djvet.project.index import ProjectIndex
from djvet.project.querysets import Instance, ModelClass, QuerySetValue, class_queryset
from djvet.project.template_views import (
    Entry,
    Evaluators,
    Page,
    Render,
    base_names,
    class_attribute,
    class_chain,
    context_entries,
)

# Base-class name patterns -> (kind, default template suffix).
_CBV_KINDS = [
    (
        re.compile(r"(^|\.)(ListView|BaseListView|MultipleObject\w*|SingleTableView)$"),
        ("list", "_list"),
    ),
    (re.compile(r"(^|\.)FilterView$"), ("list", "_filter")),
    (
        re.compile(
            r"(^|\.)(DetailView|BaseDetailView|SingleObjectTemplateResponseMixin)$"
        ),
        ("detail", "_detail"),
    ),
    (re.compile(r"(^|\.)(UpdateView|BaseUpdateView)$"), ("detail", "_form")),
    (re.compile(r"(^|\.)(CreateView|BaseCreateView)$"), ("form", "_form")),
    (re.compile(r"(^|\.)(DeleteView|BaseDeleteView)$"), ("detail", "_confirm_delete")),
]


def _kind(names: list[str]) -> tuple[str, str] | None:
    for name in names:
        for pattern, kind in _CBV_KINDS:
            if pattern.search(name):
                return kind
    return None


def class_view(project: ProjectIndex, path: str, tree: Any, cls: Any) -> Render | None:
    chain = class_chain(project, path, tree, cls)
    all_bases = [b for _, _, klass in chain for b in base_names(klass)]
    if not any(b.endswith(("View", "Mixin")) for b in all_bases):
        return None
    kind = _kind(all_bases)
    view = _ClassView(project, chain, kind)
    names = view.template_names()
    if not names:
        return None
    return Render(path, cls, tuple(names), cls.name, view.context())


@dataclass
class _ClassView:
    project: ProjectIndex
    chain: list[tuple[str, Any, Any]]
    kind: tuple[str, str] | None
    _queryset: Any = field(default=None, init=False)

    def attribute(self, name: str) -> tuple[str, Any] | None:
        for path, _, klass in self.chain:
            value = class_attribute(klass, name)
            if value is not None:
                return path, value
        return None

    def string(self, name: str) -> str | None:
        found = self.attribute(name)
        return string_value(found[1]) if found is not None else None

    def model(self, evaluators: Evaluators) -> str | None:
        queryset = self.queryset(evaluators)
        if queryset is not None:
            return queryset.model
        found = self.attribute("model")
        if found is None:
            return None
        evaluator = evaluators.of(found[0])
        value = evaluator.value(found[1]) if evaluator is not None else None
        return value.model if isinstance(value, ModelClass) else None

    def queryset(self, evaluators: Evaluators) -> QuerySetValue | None:
        """The first class of the chain that says where its rows come from decides."""
        for path, _, klass in self.chain:
            if any(
                f.name.value == "get_queryset" for f in klass.iter_funcdefs()
            ) or any(
                class_attribute(klass, n) is not None for n in ("queryset", "model")
            ):
                evaluator = evaluators.of(path)
                return (
                    class_queryset(evaluator, klass, 0)
                    if evaluator is not None
                    else None
                )
        return None

    def template_names(self) -> list[str]:
        names = []
        explicit = self.string("template_name")
        if explicit:
            names.append(explicit)
        if self.kind is not None:
            model = self.model(Evaluators(self.project))
            if model is not None:
                app, _, name = model.partition(".")
                suffix = self.string("template_name_suffix") or self.kind[1]
                names.append(f"{app.lower()}/{name.lower()}{suffix}.html")
        return names

    def context(self) -> dict[str, Entry]:
        path = self.chain[0][0]
        entries: dict[str, Entry] = {}
        if self.kind is not None and self.kind[0] in ("list", "detail"):
            entries.update(self._object_entries(path, self.kind[0]))
        extra = self.attribute("extra_context")
        if extra is not None:
            entries.update(context_entries(extra[0], extra[1], extra[1], extra[1]))
        for klass_path, _, klass in reversed(self.chain):
            for function in klass.iter_funcdefs():
                if function.name.value == "get_context_data":
                    entries.update(_context_data(klass_path, function))
        return entries

    def _object_entries(self, path: str, kind: str) -> dict[str, Entry]:
        def rows(evaluators: Evaluators) -> Any:
            return self.queryset(evaluators)

        def page(evaluators: Evaluators) -> Any:
            queryset = rows(evaluators)
            return Page(queryset) if queryset is not None else None

        def instance(evaluators: Evaluators) -> Any:
            queryset = rows(evaluators)
            return (
                Instance(queryset.model, source=queryset)
                if queryset is not None
                else None
            )

        name = self.string("context_object_name")
        if name is None:
            model = self.model(Evaluators(self.project))
            suffix = "_list" if kind == "list" else ""
            name = f"{model.partition('.')[2].lower()}{suffix}" if model else None
        if kind == "list":
            entries = {
                "object_list": Entry(path, compute=rows),
                "page_obj": Entry(path, compute=page),
            }
            value = rows
        else:
            entries = {"object": Entry(path, compute=instance)}
            value = instance
        if name:
            entries[name] = Entry(path, compute=value)
        return entries


def _context_data(path: str, function: Any) -> dict[str, Entry]:
    """Names `get_context_data` adds: `context["k"] = v`, `update()`, returned dicts,
    keyword arguments of `super().get_context_data(k=v)`."""
    entries: dict[str, Entry] = {}
    end = function.end_pos
    for node in iter_nodes(
        function.children[-1], {"expr_stmt", "return_stmt", "atom_expr", "power"}
    ):
        if (
            node.type == "expr_stmt"
            and len(node.children) == 3
            and node.children[1] == "="
        ):
            target = node.children[0]
            if (
                target.type in ("atom_expr", "power")
                and len(target.children) == 2
                and target.children[1].children[0] == "["
            ):
                key = string_value(target.children[1].children[1])
                if key is not None:
                    entries[key] = Entry(path, node.children[2])
        elif node.type == "return_stmt" and len(node.children) == 2:
            entries.update(context_entries(path, node.children[1], function, _End(end)))
        elif node.type in ("atom_expr", "power") and len(node.children) >= 2:
            entries.update(_call_entries(path, node, function, end))
    return entries


def _call_entries(
    path: str, node: Any, function: Any, end: tuple[int, int]
) -> dict[str, Entry]:
    trailers = node.children[1:]
    last = trailers[-1]
    if last.type != "trailer" or last.children[0] != "(" or len(trailers) < 2:
        return {}
    method = trailers[-2]
    if (
        method.type != "trailer"
        or method.children[0] != "."
        or method.children[1].value not in ("update", "get_context_data")
    ):
        return {}
    positional, keywords = call_arguments(
        last.children[1] if len(last.children) == 3 else None
    )
    entries = {key: Entry(path, value) for key, value in keywords.items()}
    if method.children[1].value == "update":
        for argument in positional[:1]:
            entries.update(context_entries(path, argument, function, _End(end)))
    return entries


@dataclass(frozen=True)
class _End:
    """A stand-in call position at the end of a function (every statement is before it)."""

    start_pos: tuple[int, int]
