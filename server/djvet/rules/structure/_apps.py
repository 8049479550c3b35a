"""Apps of the workspace: how their models hang together, and which apps import which.

Module-level imports are read with a line scan (`import x` / `from x import y` at the
start of a line), cached per file content; imports inside functions are the usual way
to break a cycle and are not counted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.models import AppInfo, ModelGraph, model_graph
from djvet.project.modules import resolve_relative

_IMPORT = re.compile(r"^(?:from\s+(\.*)([\w.]*)\s+import|import\s+([\w.]+))", re.M)


@dataclass(frozen=True)
class AppFacts:
    apps: list[AppInfo]  # workspace apps with a models module
    imports: dict[str, set[str]]  # app name -> other apps it imports at module level

    def anchor(self, app: AppInfo) -> str | None:
        """The file app-level findings go to: its models module."""
        files = sorted(
            app.models_files, key=lambda p: (os.path.basename(p) != "__init__.py", p)
        )
        return files[0] if files else None


def workspace_apps(graph: ModelGraph, project: ProjectIndex) -> list[AppInfo]:
    root = str(project.root).rstrip(os.sep) + os.sep
    return [
        a
        for a in graph.apps
        if a.path and a.path.startswith(root) and "site-packages" not in a.path
    ]


def _module_imports(path: str, text: str) -> frozenset[str]:
    """The modules a file imports at module level (a `per_file` part: a rebuilt model
    graph recomputes which apps import which, not these)."""
    found: set[str] = set()
    for match in _IMPORT.finditer(text):
        dots, module, plain = match.groups()
        if plain:
            found.add(plain)
        elif dots:
            found.add(resolve_relative(path, len(dots), module))
        elif module:
            found.add(module)
    return frozenset(found)


def _build(project: ProjectIndex) -> AppFacts:
    graph = model_graph(project)
    apps = workspace_apps(graph, project)
    names = sorted((a.name for a in apps), key=len, reverse=True)
    owner = {a.path: a.name for a in apps}
    imports: dict[str, set[str]] = {a.name: set() for a in apps}
    compute = partial(_app_imports, project, names, owner)
    for path in project.python_files():
        if project.roles(path, "") & (FileRole.TESTS | FileRole.MIGRATIONS):
            continue
        # the apps come from the graph: kept while it is (an edit in a method body)
        found = project.per_file("structure.app_imports", path, compute, depends=graph)
        if found is not None and found[0] is not None:
            imports[found[0]] |= found[1]
    return AppFacts(apps, imports)


def _app_imports(
    project: ProjectIndex,
    names: list[str],
    owner: dict[str | None, str],
    path: str,
    text: str,
) -> tuple[str | None, frozenset[str]]:
    """The app a module belongs to, and the other apps it imports at module level."""
    app = _app_of(path, owner)
    if app is None:
        return None, frozenset()
    others = set()
    imports = project.per_file("structure.module_imports", path, _module_imports)
    for module in imports or ():
        other = next(
            (n for n in names if module == n or module.startswith(n + ".")), None
        )
        if other is not None and other != app:
            others.add(other)
    return app, frozenset(others)


def _app_of(path: str, owner: dict[str | None, str]) -> str | None:
    folder = os.path.dirname(path)
    while folder and folder != os.path.dirname(folder):
        if folder in owner:
            return owner[folder]
        folder = os.path.dirname(folder)
    return None


register_fact("structure.apps", FileRole.PYTHON)


def app_facts(project: ProjectIndex) -> AppFacts:
    return project.fact("structure.apps", _build)


def cycles(imports: dict[str, set[str]]) -> Iterator[list[str]]:
    """Strongly connected groups of two or more apps (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = [0]

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(imports.get(node, ())):
            if other not in index:
                yield from visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                yield sorted(group)

    for node in sorted(imports):
        if node not in index:
            yield from visit(node)


def model_clusters(graph: ModelGraph, app: AppInfo) -> list[list[str]]:
    """The app's concrete models, grouped by relations among themselves (largest first)."""
    labels = {
        m.label
        for m in graph.models.values()
        if m.app_label == app.label and not m.abstract and not m.proxy
    }
    parent = {label: label for label in labels}

    def find(label: str) -> str:
        while parent[label] != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for label in labels:
        model = graph.get(label)
        if model is None:
            continue
        related = [
            f.target for f in model.fields.values() if f.is_relation and f.target
        ] + model.parents
        for other in related:
            match = graph.get(other)
            if match is not None and match.label in labels:
                parent[find(label)] = find(match.label)
    groups: dict[str, list[str]] = {}
    for label in labels:
        groups.setdefault(find(label), []).append(label)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))
