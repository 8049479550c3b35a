"""Relation reads in templates, per render of a view (N1-NOTES 4.6, "templates").

A render's template is walked the way Django renders it: the `{% extends %}` chain
with each `{% block %}` taken from the most derived template, `{% include %}`s with
their `with`/`only` context (depth-limited), `{% with %}`, `{% for %}`…`{% empty %}`,
`{% if %}` conditions, filter arguments and the words of other tags. Inside a
`{% for %}` over a queryset from the view, every attribute chain rooted at the loop
variable is walked through the model graph: `{{ b.author.name }}` reads `author`,
`{{ b.tags.all }}`/`{{ a.books.count }}`/`{% for t in b.tags.all %}` read `tags`,
`{{ b }}` and `{{ b.label }}` read what `__str__` and model methods read.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from djvet.core.model import Fix, Span
from djvet.project.index import ProjectIndex
from djvet.project.models import FieldInfo, model_graph
from djvet.project.nplusone import NOT_SUMMARISED, PREFETCH, SELECT, Analysis, _Scanner
from djvet.project.qsfix import kinds, loaded, queryset_fix
from djvet.project.querysets import Instance, Loop, QuerySetValue, RelatedManager
from djvet.project.template_views import Entry, Evaluators, Page, Render
from djvet.project.templates import (
    Expr,
    Tag,
    Template,
    Var,
    is_variable,
    literal_name,
    parse_expr,
    read_template,
    template_files,
)

MAX_INCLUDE_DEPTH = 4
_KEYWORDS = {
    "as",
    "with",
    "only",
    "by",
    "and",
    "or",
    "not",
    "in",
    "is",
    "reversed",
    "silent",
    "noop",
    "count",
    "context",
    "trimmed",
    "asvar",
    "on",
    "off",
    "from",
}
_OPERATORS = {"==", "!=", "<", ">", "<=", ">=", "=", "|"}
# Tags whose words are names, not expressions.
_NAME_TAGS = {
    "load",
    "extends",
    "block",
    "csrf_token",
    "comment",
    "verbatim",
    "templatetag",
    "now",
    "spaceless",
    "autoescape",
    "debug",
    "lorem",
    "resetcycle",
    "include",
}
# Filters that turn their input into text: an instance rendered through them calls `__str__`.
_TEXT_FILTERS = {
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "escape",
    "force_escape",
    "safe",
    "striptags",
    "truncatechars",
    "truncatewords",
    "center",
    "ljust",
    "rjust",
    "slugify",
    "cut",
    "stringformat",
    "linebreaks",
    "linebreaksbr",
    "urlize",
    "wordwrap",
    "addslashes",
    "escapejs",
    "iriencode",
    "urlencode",
}


@dataclass(frozen=True)
class TemplateAccess:
    kind: str  # SELECT or PREFETCH (nplusone's kinds)
    template: str  # the template file holding the read
    span: Span
    loop: Loop  # the loop whose root queryset comes from the view
    path: tuple[str, ...]  # relation attributes from the loop's root queryset
    relation: FieldInfo
    text: str  # as written: `b.author`, or the method reaching it
    via: str | None = None  # "Book.__str__" for reads inside model methods


@dataclass(frozen=True)
class _Regroup:
    instance: Instance
    grouper: Any


@dataclass(frozen=True)
class _Group:
    instance: Instance
    grouper: Any


@dataclass
class RenderReads:
    render: Render
    accesses: list[TemplateAccess] = field(default_factory=list)
    templates: set[str] = field(default_factory=set)  # every template the render walked


def render_reads(
    project: ProjectIndex, render: Render, evaluators: Evaluators
) -> RenderReads:
    """Every relation read (loaded or not) of the templates one render walks."""
    reads = RenderReads(render)
    files = template_files(project)
    root = next((p for p in (files.find(n) for n in render.names) if p), None)
    if root is None:
        return reads
    walker = _Walker(project, evaluators, reads)
    if not any(
        _iterable(walker._lookup(render.context, name)) for name in render.context
    ):
        return reads  # nothing the templates could loop over: no walk needed
    # Absurdly nested templates: what was found so far stands.
    with contextlib.suppress(RecursionError):
        walker.render(root, dict(render.context), 0)
    reads.accesses = _first_per_path(reads.accesses)
    return reads


def _iterable(value: Any) -> bool:
    """A context value whose rows (or whose relations' rows) a template can loop over."""
    return isinstance(value, (QuerySetValue, Page)) or (
        isinstance(value, Instance) and value.source is not None
    )


def _first_per_path(accesses: list[TemplateAccess]) -> list[TemplateAccess]:
    """A relation read twice in one loop runs its query once per row: keep the first."""
    seen: set[tuple[int, tuple[str, ...]]] = set()
    kept = []
    for access in accesses:
        key = (id(access.loop.node), access.path)
        if key not in seen:
            seen.add(key)
            kept.append(access)
    return kept


class _Walker:
    def __init__(
        self, project: ProjectIndex, evaluators: Evaluators, reads: RenderReads
    ) -> None:
        self.project = project
        self.graph = model_graph(project)
        self.files = template_files(project)
        self.evaluators = evaluators
        self.reads = reads
        self.values: dict[int, Any] = {}  # id(Entry) -> value
        self.active: list[str] = []

    # -- templates -------------------------------------------------------------------------
    def render(self, path: str, env: dict[str, Any], depth: int) -> None:
        if depth > MAX_INCLUDE_DEPTH or path in self.active:
            return
        chain = self._extends_chain(path)
        if not chain:
            return
        blocks: dict[str, tuple[Template, Tag]] = {}
        for template in chain:
            for name, tag in template.blocks().items():
                blocks.setdefault(name, (template, tag))
        self.active.append(path)
        try:
            self.reads.templates.update(t.path for t in chain)
            root = chain[-1]
            self.nodes(root, root.nodes, env, blocks, depth)
        finally:
            self.active.pop()

    def _extends_chain(self, path: str) -> list[Template]:
        chain: list[Template] = []
        current: str | None = path
        while (
            current is not None
            and len(chain) < 10
            and current not in (t.path for t in chain)
        ):
            template = read_template(self.project, current)
            if template is None:
                break
            chain.append(template)
            parent = template.extends
            name = (
                literal_name(parent.bits[0])
                if parent is not None and parent.bits
                else None
            )
            current = self._find(name, template.path) if name else None
        return chain

    def _find(self, name: str, current: str) -> str | None:
        """Like Django's loader; `{% extends %}` of a template's own name skips it."""
        paths = self.files.by_name.get(name.strip().lstrip("/"), [])
        if current in paths:
            later = paths[paths.index(current) + 1 :]
            return later[0] if later else None
        return paths[0] if paths else None

    def nodes(
        self,
        template: Template,
        nodes: list[Any],
        env: dict[str, Any],
        blocks: dict[str, tuple[Template, Tag]],
        depth: int,
    ) -> None:
        for node in nodes:
            if isinstance(node, Var):
                self.expr(template, node.expr, env, output=True)
            elif isinstance(node, Tag):
                self.tag(template, node, env, blocks, depth)

    def tag(
        self,
        template: Template,
        tag: Tag,
        env: dict[str, Any],
        blocks: dict[str, tuple[Template, Tag]],
        depth: int,
    ) -> None:
        name = tag.name
        if name == "for":
            self._for(template, tag, env, blocks, depth)
        elif name == "block":
            owner, block = blocks.get(
                tag.bits[0].text if tag.bits else "", (template, tag)
            )
            self.nodes(owner, block.body, env, blocks, depth)
        elif name == "include":
            self._include(template, tag, env, depth)
        elif name == "with":
            self.nodes(
                template,
                tag.body,
                {**env, **self._bindings(template, tag.bits, env)},
                blocks,
                depth,
            )
        elif name == "regroup":
            self._regroup(template, tag, env)
        elif name in _NAME_TAGS:
            for _, body in tag.branches:
                self.nodes(template, body, env, blocks, depth)
        elif not tag.branches:
            self._bindings(template, tag.bits, env)
        else:
            # `{% blocktranslate with a=b.c %}` binds for its body; `{% if %}`/`{% elif %}`
            # conditions are read where their branch starts.
            inner = {**env, **self._bindings(template, tag.bits, env)}
            for index, (_, body) in enumerate(tag.branches):
                if index > 0:
                    self._bindings(template, tag.branch_bits(index), env)
                self.nodes(template, body, inner, blocks, depth)

    # -- tags ------------------------------------------------------------------------------
    def _for(
        self,
        template: Template,
        tag: Tag,
        env: dict[str, Any],
        blocks: dict[str, tuple[Template, Tag]],
        depth: int,
    ) -> None:
        words = [b.text for b in tag.bits]
        inner = dict(env)
        if "in" in words:
            at = words.index("in")
            targets = [t for t in " ".join(words[:at]).replace(",", " ").split() if t]
            source = tag.bits[at + 1] if at + 1 < len(tag.bits) else None
            value = (
                self.expr(template, parse_expr(source.text, source.start), env)
                if source
                else None
            )
            item = self._item(tag, value, targets[0] if targets else "")
            for target in targets:
                inner[target] = item if len(targets) == 1 else None
        for index, (_, body) in enumerate(tag.branches):
            self.nodes(template, body, inner if index == 0 else env, blocks, depth)

    def _item(self, tag: Tag, value: Any, variable: str) -> Any:
        """What the loop variable holds when iterating `value`."""
        if isinstance(value, Page):
            value = value.queryset
        if isinstance(value, _Regroup):
            return _Group(value.instance, value.grouper)
        if isinstance(value, _GroupList):
            return value.instance
        if not isinstance(value, QuerySetValue) or value.values:
            return None
        owner = value.related_from
        if owner is None:
            return Instance(value.model, Loop(tag, value, variable), ())
        path = (*owner.path, value.relation or "")
        if owner.loop is not None:
            return Instance(value.model, owner.loop, path)
        if owner.source is not None and owner.source.origin is not None:
            # `{% for c in book.chapters.all %}` on the view's one object: the relation is
            # one query, but what its rows read is one query per row (fixed on the object's
            # queryset with `prefetch_related("chapters__editor")`).
            return Instance(value.model, Loop(tag, owner.source, variable), path)
        return None

    def _include(
        self, template: Template, tag: Tag, env: dict[str, Any], depth: int
    ) -> None:
        name = literal_name(tag.bits[0]) if tag.bits else None
        words = [b.text for b in tag.bits]
        bindings = self._bindings(
            template,
            tag.bits[words.index("with") + 1 :] if "with" in words else [],
            env,
        )
        target = self._find(name, template.path) if name else None
        if target is not None:
            self.render(
                target, {**({} if "only" in words else env), **bindings}, depth + 1
            )

    def _regroup(self, template: Template, tag: Tag, env: dict[str, Any]) -> None:
        """`{% regroup books by author as groups %}` reads `author` of every book."""
        words = [b.text for b in tag.bits]
        if len(words) != 5 or words[1] != "by" or words[3] != "as":
            return
        value = self.expr(
            template, parse_expr(tag.bits[0].text, tag.bits[0].start), env
        )
        item = self._item(tag, value, words[4])
        if not isinstance(item, Instance):
            return
        by = parse_expr(words[2], tag.bits[2].start)
        grouper = (
            self.chain(template, by, item, 0)
            if by is not None and not by.literal
            else None
        )
        env[words[4]] = _Regroup(item, grouper)

    def _bindings(
        self, template: Template, bits: list[Any], env: dict[str, Any]
    ) -> dict[str, Any]:
        """`k=v` words (and legacy `value as name`) bound for a tag's body; every other word
        that is an expression is evaluated (it is read when the tag renders)."""
        bound: dict[str, Any] = {}
        previous: Any = None
        skip_next = False
        for bit in bits:
            text = bit.text
            key, equals, rest = text.partition("=")
            if skip_next:
                skip_next = False
                continue
            if text == "as" and previous is not None:
                skip_next = True
                index = bits.index(bit)
                if index + 1 < len(bits):
                    bound[bits[index + 1].text] = previous
                continue
            if equals and key.isidentifier() and rest:
                bound[key] = self.expr(
                    template, parse_expr(rest, bit.start + len(key) + 1), env
                )
                previous = None
            elif text not in _KEYWORDS and text not in _OPERATORS and is_variable(text):
                previous = self.expr(template, parse_expr(text, bit.start), env)
            else:
                if text not in _KEYWORDS and text not in _OPERATORS:
                    # filter arguments
                    self.expr(template, parse_expr(text, bit.start), env)
                previous = None
        return bound

    # -- expressions -----------------------------------------------------------------------
    def expr(
        self,
        template: Template,
        expr: Expr | None,
        env: dict[str, Any],
        output: bool = False,
    ) -> Any:
        if expr is None:
            return None
        value = None
        if not expr.literal and expr.parts:
            head = self._lookup(env, expr.parts[0])
            value = self.chain(template, expr, head, 1) if head is not None else None
        for item in expr.filters:
            if item.argument is not None:
                self.expr(template, item.argument, env)
        if (
            output
            and isinstance(value, Instance)
            and value.loop is not None
            and all(f.name in _TEXT_FILTERS for f in expr.filters)
        ):
            span = template.span(expr.start, expr.start + len(expr.head))
            self._summarise(template, value, "__str__", span, expr.head)
        if isinstance(value, RelatedManager) and any(
            f.name == "length" for f in expr.filters
        ):
            return None
        return value

    def _lookup(self, env: dict[str, Any], name: str) -> Any:
        value = env.get(name)
        if isinstance(value, Entry):
            key = id(value)
            if key not in self.values:
                # a context value that refers to itself: unknown
                self.values[key] = None
                self.values[key] = self.evaluators.value(value)
            return self.values[key]
        return value

    def chain(self, template: Template, expr: Expr, value: Any, start: int) -> Any:
        parts = expr.parts
        for index in range(start, len(parts)):
            span = template.span(expr.start, expr.part_end(index))
            text = ".".join(parts[: index + 1])
            value = self._step(template, value, parts[index], span, text)
            if value is None:
                return None
        return value

    def _step(
        self, template: Template, value: Any, attribute: str, span: Span, text: str
    ) -> Any:
        if isinstance(value, Instance):
            return self._instance_step(template, value, attribute, span, text)
        if isinstance(value, RelatedManager):
            return self._manager_step(template, value, attribute, span, text)
        if isinstance(value, Page):
            return value.queryset if attribute == "object_list" else None
        if isinstance(value, _Group):
            if attribute == "list":
                return _GroupList(value.instance)
            return value.grouper if attribute == "grouper" else None
        return None

    def _instance_step(
        self, template: Template, value: Instance, attribute: str, span: Span, text: str
    ) -> Any:
        relation = self.graph.field(value.model, attribute)
        if relation is None:
            if value.loop is not None:
                self._summarise(template, value, attribute, span, text)
            return None
        if relation.kind == "field" or relation.target is None:
            return None
        path = (*value.path, attribute)
        if relation.kind in ("fk", "o2o", "reverse_o2o"):
            if value.loop is not None:
                self._record(SELECT, template, span, value.loop, path, relation, text)
            return Instance(relation.target, value.loop, path, value.source)
        if relation.many:
            return RelatedManager(value, relation)
        return None

    def _manager_step(
        self,
        template: Template,
        manager: RelatedManager,
        method: str,
        span: Span,
        text: str,
    ) -> Any:
        owner = manager.owner
        path = (*owner.path, manager.field.name)
        target = manager.field.target or ""
        ordered = bool(
            (info := self.graph.get(target)) is not None and info.meta.get("ordering")
        )
        if method not in ("all", "count", "exists") and not (
            method == "first" and ordered
        ):
            return None  # other calls bypass any prefetch (or are not calls): nothing to fix
        if owner.loop is not None:
            self._record(
                PREFETCH, template, span, owner.loop, path, manager.field, text
            )
        if method == "all":
            return QuerySetValue(
                target, related_from=owner, relation=manager.field.name
            )
        if method == "first" and owner.loop is not None:
            return Instance(target, owner.loop, path)
        return None

    def _record(
        self,
        kind: str,
        template: Template,
        span: Span,
        loop: Loop,
        path: tuple[str, ...],
        relation: FieldInfo,
        text: str,
        via: str | None = None,
    ) -> None:
        self.reads.accesses.append(
            TemplateAccess(kind, template.path, span, loop, path, relation, text, via)
        )

    def _summarise(
        self, template: Template, value: Instance, attribute: str, span: Span, text: str
    ) -> None:
        """Relations read by a model method or property called from the template."""
        if attribute in NOT_SUMMARISED or (
            attribute.startswith("_") and attribute != "__str__"
        ):
            return
        model = self.graph.get(value.model)
        function = model.methods.get(attribute) if model is not None else None
        if function is None or value.loop is None:
            return
        evaluator = self.evaluators.of(model.path)
        if evaluator is None:
            return
        found = Analysis()
        scanner = _Scanner(evaluator, value.loop, found)
        scanner._summarise(
            function, model.path, value, span, f"{model.name}.{attribute}", 0
        )
        for access in found.accesses:
            if access.kind in (SELECT, PREFETCH) and access.loop is not None:
                self._record(
                    access.kind,
                    template,
                    span,
                    access.loop,
                    access.path,
                    access.relation,
                    text,
                    access.via,
                )


@dataclass(frozen=True)
class _GroupList:
    instance: Instance


def cached_reads(project: ProjectIndex, render: Render) -> RenderReads:
    """`render_reads` of a render from the project's render index, computed once (the
    index, and this cache with it, is rebuilt when a template or Python file changes)."""
    if "reads" not in render.memo:
        render.memo["reads"] = render_reads(project, render, Evaluators(project))
    return render.memo["reads"]


# -- findings and fixes -----------------------------------------------------------------------
def missing_reads(project: ProjectIndex, reads: RenderReads) -> list[TemplateAccess]:
    """The reads the view's queryset does not load (one query per row each)."""
    graph = model_graph(project)
    return [a for a in reads.accesses if not loaded(graph, a.loop.queryset, a.path)]


def origin_key(access: TemplateAccess) -> int | None:
    origin = access.loop.queryset.origin
    return id(origin.chain) if origin is not None else None


def render_fix(
    project: ProjectIndex,
    render: Render,
    group: list[TemplateAccess],
    reads: RenderReads,
    own: tuple[str, Any] | None = None,
) -> Fix | None:
    """One fix loading every relation `group` (reads of one queryset) misses."""
    queryset = group[0].loop.queryset
    origin = queryset.origin
    if origin is None:
        return None
    paths = sorted({a.path for a in group})
    if queryset.select_all:
        # Naming paths replaces `select_related()`'s follow-all: name every path read (c35).
        same = [
            a
            for a in reads.accesses
            if origin_key(a) == id(origin.chain) and a.kind == SELECT
        ]
        paths = sorted(
            {
                *paths,
                *(
                    a.path
                    for a in same
                    if _single_valued(project, queryset.model, a.path)
                ),
            }
        )
    scope = origin.scope if _inside(origin.chain, render.view) else render.view
    return queryset_fix(project, queryset, paths, scope=scope, own=own)


def _single_valued(project: ProjectIndex, model: str, path: tuple[str, ...]) -> bool:
    hops = kinds(model_graph(project), model, path)
    return bool(hops) and all(k in ("fk", "o2o", "reverse_o2o") for k in hops)


def _inside(node: Any, ancestor: Any) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def merge_fixes(fixes: list[Fix]) -> Fix | None:
    """One fix applying several (different views' querysets); identical edits once."""
    fixes = [f for f in fixes if f is not None]
    if len(fixes) <= 1:
        return fixes[0] if fixes else None
    edits = list(dict.fromkeys(e for f in fixes for e in f.edits))
    level = min(f.applicability for f in fixes)
    return Fix.make(fixes[0].title, edits, level)
