"""Django templates, read statically: tokens, a node tree, expressions, and discovery.

The reader follows Django's own lexer (`django.template.base.Lexer`): tags are
`{% %}`, `{{ }}` and `{# #}` on one line, `{% verbatim %}` switches tags off until
its end tag, `{% comment %}` hides everything up to `{% endcomment %}`. Block tags
pair with their `end…` tag (built-in ones and any custom tag whose end tag appears),
so a `{% for %}` holds its body and its `{% empty %}` branch. The reader never
raises: unknown or unbalanced tags become errors on the `Template`, and the rest of
the file is read all the same.

Discovery maps template names (`"library/book_list.html"`) to files: folders listed
in `TEMPLATES["DIRS"]` come first, then the apps' `templates/` folders (Django's
loader order).
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from djvet.core.document import language_for_path, line_starts
from djvet.core.model import Language, Span
from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.settings import settings_index

TAG_RE = re.compile(r"({%.*?%}|{{.*?}}|{#.*?#})")
# Django's `smart_split`: words, keeping quoted strings (with spaces) whole.
_BITS = re.compile(
    r"""((?:[^\s'"]*(?:(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')[^\s'"]*)+)|\S+)"""
)
_NAME = re.compile(r"[A-Za-z_][\w]*")
# Built-in block tags and the tags that open another branch of them.
BLOCK_TAGS: dict[str, tuple[str, ...]] = {
    "for": ("empty",),
    "if": ("elif", "else"),
    "ifchanged": ("else",),
    "ifequal": ("else",),
    "ifnotequal": ("else",),
    "with": (),
    "block": (),
    "autoescape": (),
    "filter": (),
    "spaceless": (),
    "blocktrans": ("plural",),
    "blocktranslate": ("plural",),
    "localize": (),
    "localtime": (),
    "timezone": (),
    "cache": (),
    "language": (),
    "verbatim": (),
}
_BRANCHES = {"empty", "elif", "else", "plural"}
# Jinja2 templates share the folder name but not the language.
JINJA_SUFFIXES = (".jinja", ".jinja2", ".j2")


# -- tokens ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "text", "var", "block" or "comment"
    start: int  # offsets in the template text
    end: int
    content: str = ""  # inside the delimiters, stripped
    content_start: int = 0  # offset of `content`


def tokenize(text: str) -> list[Token]:
    """Django's lexer: text and tags in source order, `{% verbatim %}` honoured."""
    tokens: list[Token] = []
    position = 0
    verbatim: str | None = None
    for match in TAG_RE.finditer(text):
        if match.start() > position:
            tokens.append(Token("text", position, match.start()))
        tokens.append(_tag_token(match, verbatim))
        token = tokens[-1]
        if token.kind == "block":
            if verbatim is None and token.content[:9] in ("verbatim", "verbatim "):
                verbatim = "end" + token.content
            elif verbatim is not None and token.content == verbatim:
                verbatim = None
        position = match.end()
    if position < len(text):
        tokens.append(Token("text", position, len(text)))
    return tokens


def _tag_token(match: re.Match[str], verbatim: str | None) -> Token:
    raw = match.group(0)
    start, end = match.start(), match.end()
    inner = raw[2:-2]
    stripped = inner.strip()
    content_start = start + 2 + (len(inner) - len(inner.lstrip()))
    if verbatim is not None and not (raw.startswith("{%") and stripped == verbatim):
        return Token("text", start, end)
    kind = {"{{": "var", "{%": "block", "{#": "comment"}[raw[:2]]
    return Token(kind, start, end, stripped, content_start)


# -- expressions -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    start: int
    argument: Expr | None = None


@dataclass(frozen=True, slots=True)
class Expr:
    """`book.author.name|default:"-"`: a variable (or literal) and its filters."""

    text: str
    start: int  # offset of `text` in the template
    head: str  # the variable path (`book.author.name`) or the literal as written
    literal: bool
    filters: tuple[Filter, ...] = ()

    @property
    def parts(self) -> list[str]:
        return [] if self.literal else self.head.split(".")

    def part_end(self, index: int) -> int:
        """The offset just after part `index` of the variable path."""
        return self.start + len(".".join(self.parts[: index + 1]))


def _is_literal(head: str) -> bool:
    return (
        not head
        or head[0] in "\"'"
        or head.startswith(("_(", "_ ("))
        or bool(re.fullmatch(r"[-+]?\d[\d.eE+-]*", head))
        or head in ("True", "False", "None")
    )


def _split_filters(text: str) -> list[tuple[str, int]]:
    """Split at `|` outside quotes; (piece, offset in text)."""
    pieces, start, quote = [], 0, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char == "|":
            pieces.append((text[start:index], start))
            start = index + 1
    pieces.append((text[start:], start))
    return pieces


@functools.lru_cache(maxsize=1 << 16)
def parse_expr(text: str, start: int) -> Expr | None:
    """A filter expression as Django's `FilterExpression` reads it; None if empty."""
    leading = len(text) - len(text.lstrip())
    text, start = text.strip(), start + leading
    if not text:
        return None
    pieces = _split_filters(text)
    head_text, _ = pieces[0]
    head = head_text.strip()
    filters = []
    for piece, offset in pieces[1:]:
        name, _, argument = piece.partition(":")
        name_start = start + offset + len(piece) - len(piece.lstrip())
        arg = None
        if argument:
            arg = parse_expr(argument, start + offset + len(name) + 1)
            arg = (
                Expr(arg.text, arg.start, arg.head, arg.literal)
                if arg is not None
                else None
            )
        filters.append(Filter(name.strip(), name_start, arg))
    return Expr(text, start, head, _is_literal(head), tuple(filters))


@dataclass(frozen=True, slots=True)
class Bit:
    text: str
    start: int


def split_bits(content: str, start: int) -> list[Bit]:
    """The words of a tag (`for b in books`), quoted strings kept whole."""
    return [Bit(m.group(0), start + m.start()) for m in _BITS.finditer(content)]


# -- nodes -----------------------------------------------------------------------------
@dataclass(eq=False)
class Node:
    token: Token

    @property
    def start(self) -> int:
        return self.token.start


@dataclass(eq=False)
class Text(Node):
    pass


@dataclass(eq=False)
class Var(Node):
    expr: Expr | None = None


@dataclass(eq=False)
class Tag(Node):
    """A tag; a block tag holds its branches: [(opening tag token, body), (else, body)…]."""

    name: str = ""
    bits: list[Bit] = field(default_factory=list)  # the words after the name
    branches: list[tuple[Token, list[Node]]] = field(default_factory=list)
    end: Token | None = None

    @property
    def body(self) -> list[Node]:
        return self.branches[0][1] if self.branches else []

    def branch_bits(self, index: int) -> list[Bit]:
        token = self.branches[index][0]
        return split_bits(token.content, token.content_start)[1:]


@dataclass(eq=False)
class Comment(Node):
    pass


@dataclass
class Template:
    path: str
    text: str
    nodes: list[Node]
    tokens: list[Token]
    errors: list[tuple[int, str]] = field(default_factory=list)  # (offset, message)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = line_starts(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of an offset."""
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def span(self, start: int, end: int) -> Span:
        (sl, sc), (el, ec) = self.position(start), self.position(end)
        return Span(sl, sc, el, ec)

    def walk(self) -> Iterator[Node]:
        """Every node, depth first, in source order."""
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, Tag):
                for _, body in reversed(node.branches):
                    stack.extend(reversed(body))

    def tags(self, name: str) -> Iterator[Tag]:
        return (n for n in self.walk() if isinstance(n, Tag) and n.name == name)

    @property
    def extends(self) -> Tag | None:
        return next(
            (n for n in self.nodes if isinstance(n, Tag) and n.name == "extends"), None
        )

    def blocks(self) -> dict[str, Tag]:
        """`{% block name %}` tags by name (the first of each name, as Django keeps)."""
        found: dict[str, Tag] = {}
        for tag in self.tags("block"):
            if tag.bits:
                found.setdefault(tag.bits[0].text, tag)
        return found

    def loaded_libraries(self) -> set[str]:
        names: set[str] = set()
        for tag in self.tags("load"):
            words = [b.text for b in tag.bits]
            names.update(words[: words.index("from")] if "from" in words else words)
        return names


def parse_template(text: str, path: str = "") -> Template:
    tokens = tokenize(text)
    return Template(path, text, *_Parser(tokens).parse())


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.errors: list[tuple[int, str]] = []
        closers = {
            t.content.split(None, 1)[0]
            for t in tokens
            if t.kind == "block" and t.content
        }
        # A custom tag is a block when its end tag exists (`{% cache %}…{% endcache %}`).
        self.custom_blocks = {
            c[3:] for c in closers if c.startswith("end") and len(c) > 3
        }

    def parse(self) -> tuple[list[Node], list[Token], list[tuple[int, str]]]:
        root: list[Node] = []
        stack: list[tuple[Tag, list[Node]]] = []
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            index += 1
            body = stack[-1][1] if stack else root
            if token.kind == "text":
                body.append(Text(token))
            elif token.kind == "var":
                body.append(Var(token, parse_expr(token.content, token.content_start)))
            elif token.kind == "comment":
                body.append(Comment(token))
            elif token.content:
                index = self._block_token(token, index, stack, root)
            else:
                self.errors.append((token.start, "empty tag"))
        for tag, _ in reversed(stack):
            self.errors.append((tag.start, f"unclosed tag `{tag.name}`"))
        return root, self.tokens, self.errors

    def _block_token(
        self,
        token: Token,
        index: int,
        stack: list[tuple[Tag, list[Node]]],
        root: list[Node],
    ) -> int:
        bits = split_bits(token.content, token.content_start)
        name = bits[0].text
        body = stack[-1][1] if stack else root
        if name == "comment":
            return self._skip_comment(token, index, body)
        if name.startswith("end") and len(name) > 3:
            self._close(name[3:], token, stack)
            return index
        if name in _BRANCHES and stack and self._branch_fits(stack[-1][0], name):
            tag = stack[-1][0]
            tag.branches.append((token, []))
            stack[-1] = (tag, tag.branches[-1][1])
            return index
        tag = Tag(token, name=name, bits=bits[1:])
        body.append(tag)
        if name in BLOCK_TAGS or name in self.custom_blocks:
            tag.branches.append((token, []))
            stack.append((tag, tag.branches[0][1]))
        elif name in _BRANCHES:
            self.errors.append((token.start, f"`{name}` outside a block"))
        return index

    @staticmethod
    def _branch_fits(tag: Tag, name: str) -> bool:
        return name in BLOCK_TAGS.get(tag.name, _BRANCHES)

    def _close(
        self, name: str, token: Token, stack: list[tuple[Tag, list[Node]]]
    ) -> None:
        names = [tag.name for tag, _ in stack]
        if name not in names:
            self.errors.append((token.start, f"`end{name}` without `{name}`"))
            return
        while stack:
            tag, _ = stack.pop()
            if tag.name == name:
                tag.end = token
                return
            self.errors.append((tag.start, f"unclosed tag `{tag.name}`"))

    def _skip_comment(self, token: Token, index: int, body: list[Node]) -> int:
        while index < len(self.tokens):
            current = self.tokens[index]
            index += 1
            if current.kind == "block" and current.content == "endcomment":
                body.append(Comment(Token("comment", token.start, current.end)))
                return index
        self.errors.append((token.start, "unclosed tag `comment`"))
        return index


# -- reading templates of a project -----------------------------------------------------
_parsed: dict[tuple[str, int], Template] = {}


def read_template(project: ProjectIndex, path: str) -> Template | None:
    """The parsed template at `path` (open buffer first), cached by content."""
    text = project.read(path)
    if text is None:
        return None
    return template_of(path, text)


def template_of(path: str, text: str) -> Template:
    key = (path, hash(text))
    template = _parsed.get(key)
    if template is None:
        if len(_parsed) > 4096:
            _parsed.clear()
        template = _parsed[key] = parse_template(text, path)
    return template


def is_django_template(path: str) -> bool:
    """A file under a `templates/` folder that Django's engine (not Jinja2) reads."""
    pure = PurePosixPath(path.replace("\\", "/"))
    return (
        language_for_path(path) is Language.TEMPLATE
        and pure.suffix.lower() not in JINJA_SUFFIXES
        and "jinja2" not in (p.lower() for p in pure.parts[:-1])
    )


# -- discovery: template names -> files --------------------------------------------------
@dataclass
class TemplateFiles:
    """Where each template name lives, in Django's loader order."""

    by_name: dict[str, list[str]]

    def find(self, name: str) -> str | None:
        paths = self.by_name.get(name.strip().lstrip("/"))
        return paths[0] if paths else None

    def names_of(self, path: str) -> list[str]:
        return [name for name, paths in self.by_name.items() if path in paths]


def template_names(path: str) -> list[str]:
    """The names a file can be loaded by: its path below each `templates` folder."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return [
        "/".join(parts[i + 1 :])
        for i, part in enumerate(parts[:-1])
        if part == "templates"
    ]


def _dirs_hints(project: ProjectIndex) -> list[tuple[str, ...]]:
    """String parts of each `TEMPLATES[...]["DIRS"]` entry (`BASE_DIR / "templates"` →
    `("templates",)`): enough to tell DIRS folders from app folders."""
    hints: list[tuple[str, ...]] = []
    try:
        modules = settings_index(project).leaves()
    except Exception:  # a settings module djvet cannot read: app order only
        return hints
    for module in modules:
        tree = module.tree
        if tree is None:
            continue
        for leaf in tree.get_used_names().get("TEMPLATES", []):
            statement = leaf.get_definition()
            if statement is None:
                continue
            code = statement.get_code(include_prefix=False)
            for match in re.finditer(r"""["']DIRS["']\s*:\s*\[(.*?)\]""", code, re.S):
                for entry in re.split(r",\s*(?![^()]*\))", match.group(1)):
                    strings = re.findall(r"""["']([^"']+)["']""", entry)
                    if strings:
                        hints.append(
                            tuple(
                                p for s in strings for p in s.strip("/").split("/") if p
                            )
                        )
    return hints


def _build_files(project: ProjectIndex) -> TemplateFiles:
    hints = _dirs_hints(project)
    by_name: dict[str, list[tuple[int, str]]] = {}
    for path in project.files():
        if language_for_path(path) is not Language.TEMPLATE:
            continue
        for name in template_names(path):
            folder = path[: len(path) - len(name)].rstrip("/\\")
            by_name.setdefault(name, []).append((_rank(folder, hints), path))
    return TemplateFiles(
        {name: [p for _, p in sorted(found)] for name, found in by_name.items()}
    )


def _rank(folder: str, hints: list[tuple[str, ...]]) -> int:
    """0 for a `DIRS` folder, 1 for an app's `templates/` folder, 2 for anything else."""
    in_app = os.path.exists(os.path.join(os.path.dirname(folder), "__init__.py"))
    matched = [hint for hint in hints if _ends_with(folder, hint)]
    if matched and (not in_app or any(len(hint) > 1 for hint in matched)):
        return 0
    return 1 if in_app else (0 if not hints else 2)


def _ends_with(folder: str, hint: tuple[str, ...]) -> bool:
    parts = PurePosixPath(folder.replace("\\", "/")).parts
    return bool(hint) and tuple(parts[-len(hint) :]) == hint


register_fact("template-files", FileRole.TEMPLATES | FileRole.SETTINGS)


def template_files(project: ProjectIndex) -> TemplateFiles:
    return project.fact("template-files", _build_files)


def literal_name(bit: Bit | None) -> str | None:
    """The template name of a quoted tag argument (`"base.html"`); None for variables."""
    if (
        bit is None
        or len(bit.text) < 2
        or bit.text[0] not in "\"'"
        or bit.text[-1] != bit.text[0]
    ):
        return None
    return bit.text[1:-1]


def is_variable(text: str) -> bool:
    return bool(_NAME.match(text)) and not _is_literal(text)


__all__ = [
    "Bit",
    "Comment",
    "Expr",
    "Filter",
    "Node",
    "Tag",
    "Template",
    "TemplateFiles",
    "Text",
    "Token",
    "Var",
    "is_django_template",
    "literal_name",
    "masked_text",
    "parse_expr",
    "parse_template",
    "read_template",
    "split_bits",
    "template_files",
    "template_names",
    "template_of",
    "tokenize",
]


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RAW_CONTENT = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.S | re.I)


def masked_text(template: Template, *, hide_raw: bool = True) -> str:
    """The template's text with template syntax, `{% verbatim %}`/`{% comment %}` blocks
    and HTML comments blanked out (newlines kept, so offsets stay valid); with
    `hide_raw`, the contents of `<script>` and `<style>` elements too."""
    chars = list(template.text)

    def blank(start: int, end: int) -> None:
        for index in range(start, min(end, len(chars))):
            if chars[index] not in "\r\n":
                chars[index] = " "

    for node in template.walk():
        if isinstance(node, Text):
            continue
        if isinstance(node, Tag) and node.name == "verbatim" and node.end is not None:
            blank(node.start, node.end.end)
            continue
        blank(node.token.start, node.token.end)
        if isinstance(node, Tag):
            for token, _ in node.branches[1:]:
                blank(token.start, token.end)
            if node.end is not None:
                blank(node.end.start, node.end.end)
    text = "".join(chars)
    for match in _HTML_COMMENT.finditer(text):
        blank(match.start(), match.end())
    if hide_raw:
        for match in _RAW_CONTENT.finditer("".join(chars)):
            blank(match.start(3), match.end(3))
    return "".join(chars)
