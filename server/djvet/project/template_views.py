"""Which view renders which template, with which context (read statically).

Function views: `render(request, "x.html", {...})`, `TemplateResponse(...)`,
`render_to_string(...)`, `render_to_response(...)`, with the context as a dict
literal, `dict(...)`, a variable filled in the function (`context["k"] = v`,
`context.update(...)`) or `locals()`. Class-based views: `template_name` (or the
default `<app_label>/<model_name>_list.html` / `_detail.html` / `_form.html` /
`_confirm_delete.html`), the queryset (`get_queryset()`, `queryset`, `model`, also
inherited from workspace base classes), the context names Django adds
(`object_list`, `<model_name>_list` or `context_object_name`, `page_obj`, `object`),
`extra_context` and the names `get_context_data` sets.

Values are parso nodes (evaluated later with an `Evaluator` of their file) or, for
the names Django adds, computed from the view's queryset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parso.tree import search_ancestor

from djvet.core.parso_utils import (
    call_arguments,
    code_of,
    iter_nodes,
    list_items,
    string_value,
)
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, normalize, register_fact
from djvet.project.modules import imported_symbol, module_map, tree_of
from djvet.project.querysets import (
    Evaluator,
    Instance,
    ModelClass,
    QuerySetValue,
    class_queryset,
)
from djvet.project.templates import (
    Tag,
    literal_name,
    read_template,
    template_files,
    template_names,
)

# Callee name -> (position of the template name, position of the context).
RENDER_CALLS = {
    "render": (1, 2), "TemplateResponse": (1, 2), "SimpleTemplateResponse": (0, 1),
    "render_to_response": (0, 1), "render_to_string": (0, 1),
}
# Base-class name patterns -> (kind, default template suffix).
_CBV_KINDS = [
    (re.compile(r"(^|\.)(ListView|BaseListView|MultipleObject\w*|SingleTableView)$"), ("list", "_list")),
    (re.compile(r"(^|\.)FilterView$"), ("list", "_filter")),
    (re.compile(r"(^|\.)(DetailView|BaseDetailView|SingleObjectTemplateResponseMixin)$"), ("detail", "_detail")),
    (re.compile(r"(^|\.)(UpdateView|BaseUpdateView)$"), ("detail", "_form")),
    (re.compile(r"(^|\.)(CreateView|BaseCreateView)$"), ("form", "_form")),
    (re.compile(r"(^|\.)(DeleteView|BaseDeleteView)$"), ("detail", "_confirm_delete")),
]
_PREFILTER = re.compile(r"\brender(?:_to_response|_to_string)?\s*\(|TemplateResponse|template_name|View\b")
MAX_CHAIN = 6


@dataclass(frozen=True)
class Page:
    """`page_obj`: iterating it (or its `object_list`) iterates the queryset."""

    queryset: QuerySetValue


@dataclass(eq=False)
class Entry:
    """One context name: a node of the file at `path`, or a value computed on demand."""

    path: str
    node: Any = None
    compute: Callable[[Evaluators], Any] | None = None


@dataclass(eq=False)
class Render:
    path: str  # the view's file
    view: Any  # the view function or class
    names: tuple[str, ...]  # template names, in the order Django tries them
    anchor: Any  # where to report in the view when the queryset is built elsewhere
    context: dict[str, Entry] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # analyses of this render, computed once

    @property
    def label(self) -> str:
        name = getattr(self.view, "name", None)
        return name.value if name is not None else "<module>"


class Evaluators:
    """One `Evaluator` per file; `trees` overrides files (the document being checked)."""

    def __init__(self, project: ProjectIndex, trees: dict[str, Any] | None = None) -> None:
        self.project = project
        self.trees = trees or {}
        self._by_path: dict[str, Evaluator | None] = {}

    def of(self, path: str) -> Evaluator | None:
        if path not in self._by_path:
            tree = self.trees.get(path) or tree_of(self.project, path)
            self._by_path[path] = Evaluator(self.project, path, tree) if tree is not None else None
        return self._by_path[path]

    def value(self, entry: Entry) -> Any:
        if entry.compute is not None:
            return entry.compute(self)
        evaluator = self.of(entry.path)
        return evaluator.value(entry.node) if evaluator is not None and entry.node is not None else None


def might_render(text: str) -> bool:
    return bool(_PREFILTER.search(text))


def renders_in(project: ProjectIndex, path: str, tree: Any) -> list[Render]:
    """Every template render of a module: render calls and class-based views."""
    found: list[Render] = []
    for node in iter_nodes(tree, {"atom_expr", "power", "classdef"}):
        try:
            if node.type == "classdef":
                render = _class_view(project, path, tree, node)
            else:
                render = _render_call(project, path, tree, node)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError):
            render = None  # half-typed code: no render, never a crash
        if render is not None:
            found.append(render)
    return found


# -- render calls ------------------------------------------------------------------------
def _callee(node: Any) -> tuple[str, Any] | None:
    children = node.children
    last = children[-1]
    if last.type != "trailer" or last.children[0] != "(" or len(children) < 2:
        return None
    before = children[-2]
    if before.type == "name":
        name = before.value
    elif before.type == "trailer" and before.children[0] == ".":
        name = before.children[1].value
        if code_of(children[0]) == "self":
            return None  # `self.render_to_response(ctx)`: the class decides the template
    else:
        return None
    return (name, last) if name in RENDER_CALLS else None


def _render_call(project: ProjectIndex, path: str, tree: Any, node: Any) -> Render | None:
    callee = _callee(node)
    if callee is None:
        return None
    name, call = callee
    positional, keywords = call_arguments(call.children[1] if len(call.children) == 3 else None)
    template_at, context_at = RENDER_CALLS[name]
    template = keywords.get("template_name") or (positional[template_at] if len(positional) > template_at else None)
    context = keywords.get("context") or (positional[context_at] if len(positional) > context_at else None)
    if template is None:
        return None
    function = search_ancestor(node, "funcdef") or tree
    names = _template_names(project, path, tree, template, function)
    if not names:
        return None
    entries = _context(path, context, function, node) if context is not None else {}
    return Render(path, function, tuple(names), node, entries or {})


def _template_names(project: ProjectIndex, path: str, tree: Any, node: Any, function: Any) -> list[str]:
    """`"x.html"`, `["a.html", "b.html"]`, a variable holding one, `self.template_name`."""
    literal = string_value(node)
    if literal is not None:
        return [literal]
    items = list_items(node)
    if items is not None:
        return [v for v in (string_value(i) for i in items) if v]
    if node.type == "name":
        value = _assigned_before(function, node.value, node) or _assigned_before(tree, node.value, node)
        return _template_names(project, path, tree, value, function) if value is not None else []
    if code_of(node) == "self.template_name":
        cls = search_ancestor(function, "classdef")
        if cls is not None:
            for _, _, klass in class_chain(project, path, tree, cls):
                value = class_attribute(klass, "template_name")
                if value is not None:
                    return [v for v in [string_value(value)] if v]
    return []


def _assigned_before(scope: Any, name: str, use: Any) -> Any | None:
    """The value of the last `name = value` in `scope` (not nested functions) before `use`."""
    best = None
    for leaf in scope.get_root_node().get_used_names().get(name, []):
        if not leaf.is_definition() or leaf.start_pos >= use.start_pos:
            continue
        if search_ancestor(leaf, "funcdef", "classdef", "file_input") is not _own_scope(scope):
            continue
        statement = leaf.get_definition()
        if statement is not None and statement.type == "expr_stmt" and statement.children[0] is leaf \
                and len(statement.children) == 3 and statement.children[1] == "=":
            best = statement.children[2]
    return best


def _own_scope(scope: Any) -> Any:
    return scope if scope.type in ("funcdef", "classdef", "file_input") else search_ancestor(
        scope, "funcdef", "classdef", "file_input")


def _context(path: str, node: Any, function: Any, call: Any, depth: int = 0) -> dict[str, Entry]:
    """Context names of a dict literal, `dict(...)`, a dict variable or `locals()`."""
    if depth > 3:
        return {}
    if node.type == "atom" and node.children[0] == "{":
        return _dict_literal(path, node, function, call, depth)
    text = code_of(node)
    if text == "locals()":
        return _locals(path, function, call)
    if node.type in ("atom_expr", "power") and code_of(node.children[0]) == "dict" and len(node.children) == 2:
        trailer = node.children[1]
        positional, keywords = call_arguments(trailer.children[1] if len(trailer.children) == 3 else None)
        entries = {}
        for argument in positional[:1]:
            entries.update(_context(path, argument, function, call, depth + 1))
        entries.update({key: Entry(path, value) for key, value in keywords.items()})
        return entries
    if node.type == "name" and function.type == "funcdef":
        return _dict_variable(path, node.value, function, call, depth)
    return {}


def _dict_literal(path: str, node: Any, function: Any, call: Any, depth: int) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    if len(node.children) != 3:
        return entries
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return entries
    children = inner.children
    if any(c.type in ("comp_for", "sync_comp_for") for c in children):
        return entries
    index = 0
    while index < len(children):
        child = children[index]
        if child == "**":
            entries.update(_context(path, children[index + 1], function, call, depth + 1))
            index += 3
            continue
        if index + 2 < len(children) and children[index + 1] == ":":
            key = string_value(child)
            if key is not None:
                entries[key] = Entry(path, children[index + 2])
            index += 4
            continue
        index += 1
    return entries


def _dict_variable(path: str, name: str, function: Any, call: Any, depth: int) -> dict[str, Entry]:
    """`context = {...}` then `context["k"] = v` / `context.update(...)` before the render."""
    value = _assigned_before(function, name, call)
    entries = _context(path, value, function, call, depth + 1) if value is not None else {}
    for leaf in function.get_root_node().get_used_names().get(name, []):
        if not function.start_pos < leaf.start_pos < call.start_pos:
            continue
        chain = leaf.parent
        if chain.type not in ("atom_expr", "power") or chain.children[0] is not leaf or len(chain.children) < 2:
            continue
        trailer = chain.children[1]
        statement = chain.parent
        if trailer.children[0] == "[" and statement.type == "expr_stmt" and statement.children[0] is chain \
                and len(chain.children) == 2 and statement.children[1] == "=":
            key = string_value(trailer.children[1])
            if key is not None:
                entries[key] = Entry(path, statement.children[-1])
        elif code_of(trailer) == ".update" and len(chain.children) == 3:
            update = chain.children[2]
            positional, keywords = call_arguments(update.children[1] if len(update.children) == 3 else None)
            for argument in positional[:1]:
                entries.update(_context(path, argument, function, call, depth + 1))
            entries.update({key: Entry(path, v) for key, v in keywords.items()})
    return entries


def _locals(path: str, function: Any, call: Any) -> dict[str, Entry]:
    if function.type != "funcdef":
        return {}
    entries: dict[str, Entry] = {}
    for name, leaves in function.get_root_node().get_used_names().items():
        value = _assigned_before(function, name, call) if any(
            function.start_pos < leaf.start_pos < call.start_pos for leaf in leaves) else None
        if value is not None:
            entries[name] = Entry(path, value)
    return entries


# -- class-based views ---------------------------------------------------------------------
def class_chain(project: ProjectIndex, path: str, tree: Any, cls: Any) -> list[tuple[str, Any, Any]]:
    """The class and its workspace bases, nearest first: (path, tree, classdef)."""
    chain: list[tuple[str, Any, Any]] = []
    pending = [(path, tree, cls)]
    while pending and len(chain) < MAX_CHAIN:
        current = pending.pop(0)
        if any(c[2] is current[2] for c in chain):
            continue
        chain.append(current)
        for base in base_names(current[2]):
            found = _class_named(project, current[0], current[1], base)
            if found is not None:
                pending.append(found)
    return chain


def base_names(cls: Any) -> list[str]:
    arglist = cls.children[3] if len(cls.children) > 4 and cls.children[2] == "(" else None
    if arglist is None or arglist == ")":
        return []
    positional, _ = call_arguments(arglist)
    return [code_of(b) for b in positional if b.type in ("name", "atom_expr", "power")]


def _class_named(project: ProjectIndex, path: str, tree: Any, name: str) -> tuple[str, Any, Any] | None:
    if "." in name:
        return None
    for node in tree.iter_classdefs():
        if node.name.value == name:
            return path, tree, node
    source = imported_symbol(tree, name, path)
    if source is None:
        return None
    target = module_map(project).path_of(source[0])
    other = tree_of(project, target) if target else None
    if other is None:
        return None
    found = next((c for c in other.iter_classdefs() if c.name.value == source[1]), None)
    return (target, other, found) if found is not None else None


def class_attribute(cls: Any, name: str) -> Any | None:
    for child in cls.get_suite().children:
        if child.type == "simple_stmt" and child.children[0].type == "expr_stmt":
            statement = child.children[0]
            first = statement.children[0]
            if first.type == "name" and first.value == name and len(statement.children) == 3 \
                    and statement.children[1] == "=":
                return statement.children[2]
    return None


def _kind(names: list[str]) -> tuple[str, str] | None:
    for name in names:
        for pattern, kind in _CBV_KINDS:
            if pattern.search(name):
                return kind
    return None


def _class_view(project: ProjectIndex, path: str, tree: Any, cls: Any) -> Render | None:
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
            if any(f.name.value == "get_queryset" for f in klass.iter_funcdefs()) or any(
                    class_attribute(klass, n) is not None for n in ("queryset", "model")):
                evaluator = evaluators.of(path)
                return class_queryset(evaluator, klass, 0) if evaluator is not None else None
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
            entries.update(_context(extra[0], extra[1], extra[1], extra[1]))
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
            return Instance(queryset.model, source=queryset) if queryset is not None else None

        name = self.string("context_object_name")
        if name is None:
            model = self.model(Evaluators(self.project))
            suffix = "_list" if kind == "list" else ""
            name = f"{model.partition('.')[2].lower()}{suffix}" if model else None
        if kind == "list":
            entries = {"object_list": Entry(path, compute=rows), "page_obj": Entry(path, compute=page)}
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
    for node in iter_nodes(function.children[-1], {"expr_stmt", "return_stmt", "atom_expr", "power"}):
        if node.type == "expr_stmt" and len(node.children) == 3 and node.children[1] == "=":
            target = node.children[0]
            if target.type in ("atom_expr", "power") and len(target.children) == 2 \
                    and target.children[1].children[0] == "[":
                key = string_value(target.children[1].children[1])
                if key is not None:
                    entries[key] = Entry(path, node.children[2])
        elif node.type == "return_stmt" and len(node.children) == 2:
            entries.update(_context(path, node.children[1], function, _End(end)))
        elif node.type in ("atom_expr", "power") and len(node.children) >= 2:
            entries.update(_call_entries(path, node, function, end))
    return entries


def _call_entries(path: str, node: Any, function: Any, end: tuple[int, int]) -> dict[str, Entry]:
    trailers = node.children[1:]
    last = trailers[-1]
    if last.type != "trailer" or last.children[0] != "(" or len(trailers) < 2:
        return {}
    method = trailers[-2]
    if method.type != "trailer" or method.children[0] != "." or method.children[1].value not in (
            "update", "get_context_data"):
        return {}
    positional, keywords = call_arguments(last.children[1] if len(last.children) == 3 else None)
    entries = {key: Entry(path, value) for key, value in keywords.items()}
    if method.children[1].value == "update":
        for argument in positional[:1]:
            entries.update(_context(path, argument, function, _End(end)))
    return entries


@dataclass(frozen=True)
class _End:
    """A stand-in call position at the end of a function (every statement is before it)."""

    start_pos: tuple[int, int]


# -- which renders reach a template -------------------------------------------------------
_NAME_LITERAL = re.compile(r"""["']([\w./-]+\.(?:html?|txt|xml|djhtml))["']""")
_DEFAULT_NAME = re.compile(r"^\w+/(\w+?)(?:_list|_detail|_form|_confirm_delete|_filter)\.html$")


class RenderIndex:
    """Which view renders walk a template, found without parsing every Python file:
    a template is reached from the templates that include or extend it, and those are
    named by string literals (or CBV default names) in a few view modules."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project
        self.files = template_files(project)
        self._texts: dict[str, str] = {}
        self._mentions: dict[str, set[str]] | None = None
        self._users: dict[str, set[str]] | None = None  # template -> templates using it
        self._included: set[str] = set()  # templates some template includes
        self._renders: dict[str, list[Render]] = {}

    def renders_reaching(self, template: str) -> list[Render]:
        parsed = read_template(self.project, template)
        self._template_users()
        if parsed is None or not (template in self._included or any(
                isinstance(n, Tag) and n.name in ("for", "regroup") for n in parsed.walk())):
            return []  # no loop of its own and never included (in a loop): no N+1 here
        roots = self._roots(template)
        names = {name for root in roots for name in template_names(root)}
        found = []
        for path in sorted(self._candidates(names)):
            for render in self._renders_in(path):
                root = next((p for p in (self.files.find(n) for n in render.names) if p), None)
                if root in roots:
                    found.append(render)
        return found

    def _roots(self, template: str) -> set[str]:
        """The template and every template that includes or extends it, transitively."""
        users = self._template_users()
        roots, pending = set(), [template]
        while pending:
            path = pending.pop()
            if path not in roots:
                roots.add(path)
                pending.extend(users.get(path, ()))
        return roots

    def _template_users(self) -> dict[str, set[str]]:
        if self._users is None:
            self._users = {}
            for path in {p for paths in self.files.by_name.values() for p in paths}:
                for used, tag in self._used_by(path):
                    self._users.setdefault(used, set()).add(path)
                    if tag == "include":
                        self._included.add(used)
        return self._users

    def _used_by(self, path: str) -> list[tuple[str, str]]:
        template = read_template(self.project, path)
        used: list[tuple[str, str]] = []
        if template is None:
            return used
        for tag in template.walk():
            if isinstance(tag, Tag) and tag.name in ("extends", "include") and tag.bits:
                name = literal_name(tag.bits[0])
                # `{% extends %}` of a template's own name means the next one in the search path.
                used.extend((p, tag.name) for p in self.files.by_name.get(name or "", [])[:2] if p != path)
        return used

    def _candidates(self, names: set[str]) -> set[str]:
        mentions = self._mentioned()
        files = {f for name in names for f in mentions.get(name, ())}
        models = {m.group(1) for name in names if (m := _DEFAULT_NAME.match(name))}
        files |= self._mentioning(models, re.I)
        # Subclasses inherit `template_name`: modules naming a view class found so far.
        for _ in range(3):
            classes = {r.label for path in files for r in self._renders_in(path) if r.view.type == "classdef"}
            more = self._mentioning(classes) - files
            if not more:
                break
            files |= more
        return files

    def _mentioning(self, words: set[str], flags: int = 0) -> set[str]:
        if not words:
            return set()
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b", flags)
        return {path for path, text in self._texts.items() if pattern.search(text)}

    def _mentioned(self) -> dict[str, set[str]]:
        if self._mentions is None:
            self._mentions = {}
            for path in self.project.python_files():
                text = self.project.read(path)
                if text is None or not might_render(text):
                    continue
                self._texts[path] = text
                for match in _NAME_LITERAL.finditer(text):
                    self._mentions.setdefault(match.group(1), set()).add(path)
        return self._mentions

    def _renders_in(self, path: str) -> list[Render]:
        if path not in self._renders:
            tree = tree_of(self.project, path)
            self._renders[path] = renders_in(self.project, path, tree) if tree is not None else []
        return self._renders[path]


register_fact("template-renders", FileRole.TEMPLATES | FileRole.PYTHON)


def renders_reaching(project: ProjectIndex, template_path: str) -> list[Render]:
    """The view renders that walk the template at `template_path`."""
    return project.fact("template-renders", RenderIndex).renders_reaching(normalize(template_path))
