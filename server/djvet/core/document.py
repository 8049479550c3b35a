"""A document as djvet sees it: text, lazily parsed parso tree, line index, suppressions.

Lines end at `\\r\\n`, `\\r` or `\\n`, exactly where parso ends them, so a `Span` taken
from a parso node and an offset computed here always agree (also for CRLF files).
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import parso
from parso.utils import split_lines

from djvet.core.model import Language, Position, Span
from djvet.core.roles import is_requirements_file
from djvet.core.suppression import Suppressions, scan_lines, scan_python
from djvet.core.timing import phase

# The newest grammar parso knows: it also reads older code, and Python 3.12 f-strings.
GRAMMAR = parso.load_grammar(version="3.13")

_TEMPLATE_SUFFIXES = {".html", ".htm", ".djhtml", ".txt", ".xml", ".jinja", ".jinja2"}
_TEXT_NAMES = ("procfile", "dockerfile", "containerfile", "docker-compose", "compose.")
_TEXT_SUFFIXES = {".service", ".toml", ".cfg", ".yml", ".yaml", ".in", ".dockerfile"}


@functools.lru_cache(maxsize=65536)  # asked for every workspace file on every run
def language_for_path(path: str) -> Language | None:
    """Guess the language of a file from its name; None when djvet has nothing to say."""
    if path.endswith((".py", ".pyi")):
        return Language.PYTHON
    pure = PurePosixPath(path.replace("\\", "/"))
    name = pure.name.lower()
    if pure.suffix in (".py", ".pyi"):
        return Language.PYTHON
    if "/templates/" in f"/{pure.as_posix()}" and pure.suffix in _TEMPLATE_SUFFIXES:
        return Language.TEMPLATE
    if (
        is_requirements_file(path)
        or name.startswith(_TEXT_NAMES)
        or pure.suffix.lower() in _TEXT_SUFFIXES
    ):
        return Language.TEXT
    return None


def parse_python(
    text: str, *, path: str | None = None, incremental: bool = False
) -> Any:
    """Parse with parso; incremental re-parses reuse the previous tree of the same path.

    `cache=True` is never used: it pickles trees to disk and may return the saved file's
    tree instead of the unsaved buffer (see N1-NOTES).
    """
    with phase("parse"):
        if incremental and path:
            return _parse_incremental(text, path)
        return GRAMMAR.parse(text, error_recovery=True)


# Trees by text, shared by every reader in the process: the module being checked and the
# same module read for another's sake (a view's template, an imported queryset helper)
# were parsed twice, a third of a cold run's parsing. Readers never modify a tree.
# Bounded by the characters of the texts kept (a tree takes about 25 bytes per character
# of its text): every keystroke in a models module is a new text that the model graph
# reads, and a bound by count kept hundreds of versions of a 1,000-line module.
_SHARED: OrderedDict[str, Any] = OrderedDict()
_SHARED_LIMIT = 3_000_000  # characters: about 75 MB of trees
_SHARED_LOCK = threading.Lock()
_shared_characters = 0


def parse_shared(text: str) -> Any:
    """`parse_python(text)`, the same tree for the same text while it stays cached."""
    global _shared_characters
    with _SHARED_LOCK:
        tree = _SHARED.get(text)
        if tree is not None:
            _SHARED.move_to_end(text)
            return tree
    tree = parse_python(text)
    with _SHARED_LOCK:
        if text not in _SHARED:
            _SHARED[text] = tree
            _shared_characters += len(text)
            _trim_shared()
    return tree


def set_shared_limit(limit: int) -> int:
    """Keep trees of up to `limit` characters of text; return the previous limit.

    A batch check widens it: its files are read for each other's sake (a view for its
    templates, a form's base class), and a bounded cache evicted and re-parsed a quarter
    of NetBox. The server keeps the default: its process lives for days.
    """
    global _SHARED_LIMIT
    with _SHARED_LOCK:
        previous, _SHARED_LIMIT = _SHARED_LIMIT, limit
        _trim_shared()
    return previous


def forget_shared(texts: Iterable[str]) -> None:
    """Drop the trees of texts nobody will read again (a fix verification's fixed
    texts): kept, they filled the cache with versions that no editor ever shows, and
    died later, in reference cycles only a full collection frees. The caches of things
    made from a text or a tree register with `on_forget` and drop theirs too."""
    global _shared_characters
    texts = set(texts)
    trees = []
    with _SHARED_LOCK:
        for text in texts:
            tree = _SHARED.pop(text, None)
            if tree is not None:
                _shared_characters -= len(text)
                trees.append(tree)
    dropped = {id(tree) for tree in trees}
    for forget in _FORGETTERS:
        forget(texts, dropped)


# Called with the forgotten texts and the ids of their trees.
_FORGETTERS: list[Callable[[set[str], set[int]], None]] = []


def on_forget(forget: Callable[[set[str], set[int]], None]) -> None:
    """Have `forget_shared` call `forget(texts, tree_ids)` too."""
    _FORGETTERS.append(forget)


def clear_shared() -> None:
    global _shared_characters
    with _SHARED_LOCK:
        _SHARED.clear()
        _shared_characters = 0


def _trim_shared() -> None:
    """Evict the least recently read trees, never the newest (its reader needs it)."""
    global _shared_characters
    while _shared_characters > _SHARED_LIMIT and len(_SHARED) > 1:
        text, _ = _SHARED.popitem(last=False)
        _shared_characters -= len(text)


# parso's diff parser updates the previous tree of a path *in place* and returns the
# same object: anything caching by tree identity must also compare `tree_stamp`.
_DIFF_UPDATES: dict[int, int] = {}


def _parse_incremental(text: str, path: str) -> Any:
    try:
        tree = GRAMMAR.parse(text, path=path, diff_cache=True, cache=False)
    except Exception:  # noqa: BLE001 - the diff parser has rare failures; a full parse never does
        forget_incremental(path)
        return GRAMMAR.parse(text, error_recovery=True)
    _DIFF_UPDATES[id(tree)] = _DIFF_UPDATES.get(id(tree), 0) + 1
    return tree


def tree_stamp(tree: Any) -> tuple[int, int]:
    """The identity of a tree's current content (see `_DIFF_UPDATES`)."""
    return id(tree), _DIFF_UPDATES.get(id(tree), 0)


def forget_incremental(path: str) -> None:
    """Drop the tree parso keeps for an incrementally parsed path (a closed buffer)."""
    from parso.cache import parser_cache

    item = parser_cache.get(GRAMMAR._hashed, {}).pop(path, None)
    if item is not None:
        _DIFF_UPDATES.pop(id(item.node), None)


def error_nodes(tree: Any) -> int:
    """How many error nodes and leaves parso's error recovery made: a cheap stand-in for
    the full error list (grammar.iter_errors walks a normalizer over every node)."""
    count, stack = 0, [tree]
    while stack:
        node = stack.pop()
        if node.type in ("error_node", "error_leaf"):
            count += 1
        children = getattr(node, "children", None)
        if children:
            stack.extend(children)
    return count


def count_syntax_errors(text: str) -> int:
    return sum(1 for _ in GRAMMAR.iter_errors(parse_python(text)))


BOM = "\ufeff"


def line_starts(text: str) -> list[int]:
    """The offset where each line starts; lines end at `\\r\\n`, `\\r` or `\\n` (as in parso).

    A byte-order mark is not part of the first line: parso leaves it out of its columns,
    so line 0 starts after it and edits never touch it.
    """
    starts, total = [], 0
    for line in split_lines(text, keepends=True):
        starts.append(total)
        total += len(line)
    if text.startswith(BOM):
        starts[0] = len(BOM)
    return starts


@dataclass
class Document:
    """One file's text with derived views, built lazily and at most once."""

    path: str
    text: str
    language: Language = Language.PYTHON
    version: int | None = None
    incremental: bool = False
    _tree: Any = field(default=None, repr=False)

    @classmethod
    def for_path(
        cls,
        path: str,
        text: str,
        *,
        version: int | None = None,
        incremental: bool = False,
    ) -> Document:
        """`incremental`: re-parse from this path's previous tree (an open editor buffer;
        the previous `Document` of the path must not be used afterwards)."""
        language = language_for_path(path) or Language.PYTHON
        return cls(
            path=path,
            text=text,
            language=language,
            version=version,
            incremental=incremental,
        )

    @property
    def tree(self) -> Any:
        if self._tree is None:
            self._tree = (
                parse_python(self.text, path=self.path, incremental=True)
                if self.incremental
                else parse_shared(self.text)
            )
        return self._tree

    @functools.cached_property
    def lines(self) -> list[str]:
        """Lines without their terminators (nor a byte-order mark); a trailing newline
        adds an empty last line."""
        lines = split_lines(self.text)
        lines[0] = lines[0].removeprefix(BOM)
        return lines

    @functools.cached_property
    def line_offsets(self) -> list[int]:
        return line_starts(self.text)

    @functools.cached_property
    def suppressions(self) -> Suppressions:
        if self.language is Language.PYTHON:
            return scan_python(self.tree, self.text)
        return scan_lines(self.text)

    @functools.cached_property
    def syntax_errors(self) -> int:
        if self.language is not Language.PYTHON:
            return 0
        return sum(1 for _ in GRAMMAR.iter_errors(self.tree))

    @functools.cached_property
    def error_nodes(self) -> int:
        """Error nodes of the tree (see `error_nodes`): what fix verification compares."""
        return error_nodes(self.tree) if self.language is Language.PYTHON else 0

    @property
    def parsed(self) -> bool:
        """Whether the tree was built already (so asking about it costs no parse)."""
        return self._tree is not None

    def first_syntax_error(self) -> Span | None:
        """Where parso's error recovery first gave up, or None when the file parses.

        A plain walk for error nodes: ~30 times cheaper than `grammar.iter_errors`.
        """
        if self.language is not Language.PYTHON:
            return None
        stack = [self.tree]
        while stack:
            node = stack.pop()
            if node.type in ("error_node", "error_leaf"):
                return Span.of(node)
            children = getattr(node, "children", None)
            if children:
                stack.extend(reversed(children))
        return None

    def offset(self, position: Position) -> int:
        """The text offset of `position`, clamped into the document and its line."""
        line = min(max(position.line, 0), len(self.lines) - 1)
        return self.line_offsets[line] + min(
            max(position.column, 0), len(self.lines[line])
        )

    def position(self, offset: int) -> Position:
        """The inverse of `offset`."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self.line_offsets, offset) - 1
        return Position(
            line, min(offset - self.line_offsets[line], len(self.lines[line]))
        )

    def slice(self, span: Span) -> str:
        return self.text[self.offset(span.start) : self.offset(span.end)]

    def end_span(self) -> Span:
        """An empty span at the very end of the document."""
        return Span.point(len(self.lines) - 1, len(self.lines[-1]))

    def line_span(self, line: int) -> Span:
        return Span(line, 0, line, len(self.lines[line]))

    def indentation_of(self, line: int) -> str:
        text = self.lines[line]
        return text[: len(text) - len(text.lstrip())]
