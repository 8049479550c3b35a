"""Which view renders walk a template, found without parsing every Python module.

A template is reached from the templates that include or extend it, and those are
named by string literals (or class-based views' default names) in a few view modules:
only those are parsed. The index is a project fact, rebuilt when a template or a
Python file changes, and caches each module's renders.
"""

from __future__ import annotations

import re
from typing import Any

from djvet.core.parso_utils import HALF_TYPED_CODE_ERRORS, iter_nodes
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, normalize, register_fact
from djvet.project.modules import tree_of
from djvet.project.template_classes import class_view
from djvet.project.template_views import Render, might_render, render_call
from djvet.project.templates import (
    Tag,
    literal_name,
    read_template,
    template_files,
    template_names,
)


def renders_in(project: ProjectIndex, path: str, tree: Any) -> list[Render]:
    """Every template render of a module: render calls and class-based views."""
    found: list[Render] = []
    for node in iter_nodes(tree, {"atom_expr", "power", "classdef"}):
        try:
            if node.type == "classdef":
                render = class_view(project, path, tree, node)
            else:
                render = render_call(project, path, tree, node)
        except HALF_TYPED_CODE_ERRORS:
            render = None  # half-typed code: no render, never a crash
        if render is not None:
            found.append(render)
    return found


# -- which renders reach a template -------------------------------------------------------
_NAME_LITERAL = re.compile(r"""["']([\w./-]+\.(?:html?|txt|xml|djhtml))["']""")
_WORD = re.compile(r"\w+")
_DEFAULT_NAME = re.compile(
    r"^\w+/(\w+?)(?:_list|_detail|_form|_confirm_delete|_filter)\.html$"
)


class RenderIndex:
    """Which view renders walk a template, found without parsing every Python file:
    a template is reached from the templates that include or extend it, and those are
    named by string literals (or CBV default names) in a few view modules."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project
        self.files = template_files(project)
        # identifier -> rendering modules holding it
        self._words: dict[str, set[str]] = {}
        self._words_folded: dict[str, set[str]] = {}  # the same, lower-cased
        self._mentions: dict[str, set[str]] | None = None
        self._users: dict[str, set[str]] | None = None  # template -> templates using it
        self._included: set[str] = set()  # templates some template includes
        self._renders: dict[str, list[Render]] = {}

    def renders_reaching(self, template: str) -> list[Render]:
        parsed = read_template(self.project, template)
        self._template_users()
        if parsed is None or not (
            template in self._included
            or any(
                isinstance(n, Tag) and n.name in ("for", "regroup")
                for n in parsed.walk()
            )
        ):
            return []  # no loop of its own and never included (in a loop): no N+1 here
        roots = self._roots(template)
        names = {name for root in roots for name in template_names(root)}
        found = []
        for path in sorted(self._candidates(names)):
            for render in self._renders_in(path):
                root = next(
                    (p for p in (self.files.find(n) for n in render.names) if p), None
                )
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
                used.extend(
                    (p, tag.name)
                    for p in self.files.by_name.get(name or "", [])[:2]
                    if p != path
                )
        return used

    def _candidates(self, names: set[str]) -> set[str]:
        mentions = self._mentioned()
        files = {f for name in names for f in mentions.get(name, ())}
        models = {m.group(1) for name in names if (m := _DEFAULT_NAME.match(name))}
        files |= self._mentioning(models, ignore_case=True)
        # Subclasses inherit `template_name`: modules naming a view class found so far.
        for _ in range(3):
            classes = {
                r.label
                for path in files
                for r in self._renders_in(path)
                if r.view.type == "classdef"
            }
            more = self._mentioning(classes) - files
            if not more:
                break
            files |= more
        return files

    def _mentioning(self, words: set[str], ignore_case: bool = False) -> set[str]:
        """The rendering modules that hold one of `words` as a whole identifier."""
        self._mentioned()
        index = self._words_folded if ignore_case else self._words
        found: set[str] = set()
        for word in words:
            found |= index.get(word.lower() if ignore_case else word, set())
        return found

    def _mentioned(self) -> dict[str, set[str]]:
        """Template names by the modules naming them; also indexes every identifier of
        those modules (one pass, instead of one regex search per question and module)."""
        if self._mentions is None:
            self._mentions = {}
            for path in self.project.python_files():
                text = self.project.read(path)
                if text is None or not might_render(text):
                    continue
                for match in _NAME_LITERAL.finditer(text):
                    self._mentions.setdefault(match.group(1), set()).add(path)
                for word in set(_WORD.findall(text)):
                    self._words.setdefault(word, set()).add(path)
                    self._words_folded.setdefault(word.lower(), set()).add(path)
        return self._mentions

    def _renders_in(self, path: str) -> list[Render]:
        if path not in self._renders:
            tree = tree_of(self.project, path)
            self._renders[path] = (
                renders_in(self.project, path, tree) if tree is not None else []
            )
        return self._renders[path]


register_fact("template-renders", FileRole.TEMPLATES | FileRole.PYTHON)


def renders_reaching(project: ProjectIndex, template_path: str) -> list[Render]:
    """The view renders that walk the template at `template_path`."""
    return project.fact("template-renders", RenderIndex).renders_reaching(
        normalize(template_path)
    )
