"""Document: line index (LF, CRLF, lone CR, as parso counts lines), offsets and
positions, end_span, language detection by path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from djvet.core.document import Document, count_syntax_errors, language_for_path
from djvet.core.model import Language, Position, Span


@pytest.mark.parametrize(
    ("text", "lines", "offsets"),
    [
        ("", [""], [0]),
        ("a", ["a"], [0]),
        ("a\n", ["a", ""], [0, 2]),
        ("a\nbc\n", ["a", "bc", ""], [0, 2, 5]),
        ("a\r\nbc\r\n", ["a", "bc", ""], [0, 3, 7]),
        ("a\rb\nc", ["a", "b", "c"], [0, 2, 4]),
        (
            "a\x0cb\n",
            ["a\x0cb", ""],
            [0, 4],
        ),  # a form feed is not a line break for Python
        ("😀\né", ["😀", "é"], [0, 2]),
    ],
    ids=[
        "empty",
        "no-newline",
        "lf",
        "two-lines",
        "crlf",
        "lone-cr",
        "form-feed",
        "emoji",
    ],
)
def test_line_index(text: str, lines: list[str], offsets: list[int]) -> None:
    document = Document("/p/a.py", text)
    assert document.lines == lines
    assert document.line_offsets == offsets


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_offsets_agree_with_parso_positions(newline: str) -> None:
    text = newline.join(["def f():", "    return '😀'  # c", "", "x = f()", ""])
    document = Document("/p/a.py", text)
    leaf = document.tree.get_first_leaf()
    while leaf is not None:
        span = Span.of(leaf)
        assert document.slice(span) == leaf.value, leaf
        assert document.position(document.offset(span.start)) == span.start
        leaf = leaf.get_next_leaf()


def test_offset_clamps_and_position_inverts() -> None:
    document = Document("/p/a.py", "ab\r\ncd")
    assert document.offset(Position(0, 99)) == 2  # before the CRLF, never inside it
    assert document.offset(Position(9, 0)) == 4
    assert document.offset(Position(-1, -5)) == 0
    assert [document.position(o) for o in range(7)] == [
        Position(0, 0),
        Position(0, 1),
        Position(0, 2),
        Position(0, 2),
        Position(1, 0),
        Position(1, 1),
        Position(1, 2),
    ]


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("", Span(0, 0, 0, 0)),
        ("x = 1", Span(0, 5, 0, 5)),
        ("x = 1\n", Span(1, 0, 1, 0)),
        ("x = 1\r\n", Span(1, 0, 1, 0)),
        ("é😀", Span(0, 2, 0, 2)),
    ],
)
def test_end_span(text: str, end: Span) -> None:
    document = Document("/p/a.py", text)
    assert document.end_span() == end
    assert document.offset(end.start) == len(text)


def test_line_span_and_indentation_exclude_the_line_break() -> None:
    document = Document("/p/a.py", "if x:\r\n    y = 1\r\n")
    assert document.line_span(1) == Span(1, 0, 1, 9)
    assert document.indentation_of(1) == "    "
    assert document.slice(document.line_span(1)) == "    y = 1"


def test_tree_is_parsed_lazily_once() -> None:
    document = Document("/p/a.py", "x = 1\n")
    assert not document.parsed
    tree = document.tree
    assert document.parsed and document.tree is tree


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x = 1\n", None),
        ("def f(:\n    pass\ny = 2\n", 0),
        ("x = 1\nclass A\n    pass\n", 1),
    ],
)
def test_first_syntax_error(text: str, error: int | None) -> None:
    document = Document("/p/a.py", text)
    found = document.first_syntax_error()
    assert (found.start_line if found else None) == error
    assert (count_syntax_errors(text) > 0) is (error is not None)


def test_broken_code_still_has_a_tree_with_the_parts_that_parse() -> None:
    document = Document("/p/a.py", "def f(:\n    pass\nDEBUG = True\n")
    leaf, names = document.tree.get_first_leaf(), []
    while leaf is not None:
        names.append(leaf.value)
        leaf = leaf.get_next_leaf()
    assert "DEBUG" in names


def test_templates_and_text_files_have_no_syntax_errors() -> None:
    assert (
        Document(
            "/p/templates/a.html", "{% if %}", Language.TEMPLATE
        ).first_syntax_error()
        is None
    )
    assert Document("/p/requirements.txt", "def f(:", Language.TEXT).syntax_errors == 0


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("app/views.py", Language.PYTHON),
        ("app/stubs.pyi", Language.PYTHON),
        ("app/templates/app/page.html", Language.TEMPLATE),
        ("templates/base.txt", Language.TEMPLATE),
        ("app/templates/email.jinja2", Language.TEMPLATE),
        ("static/page.html", None),
        ("requirements.txt", Language.TEXT),
        ("requirements-dev.txt", Language.TEXT),
        ("dev-requirements.txt", Language.TEXT),
        ("requirements/base.txt", Language.TEXT),
        ("requirements/prod.in", Language.TEXT),
        ("docs/notes.txt", None),
        ("Procfile", Language.TEXT),
        ("Dockerfile", Language.TEXT),
        ("Dockerfile.prod", Language.TEXT),
        ("deploy/web.Dockerfile", Language.TEXT),
        ("docker-compose.yml", Language.TEXT),
        ("compose.yaml", Language.TEXT),
        ("deploy/gunicorn.service", Language.TEXT),
        ("pyproject.toml", Language.TEXT),
        ("README.md", None),
        ("static/app.js", None),
        ("C:\\project\\app\\models.py", Language.PYTHON),
    ],
)
def test_language_for_path(path: str, language: Language | None) -> None:
    assert language_for_path(path) is language


def test_for_path_picks_the_language() -> None:
    assert (
        Document.for_path("/p/app/templates/a.html", "").language is Language.TEMPLATE
    )
    assert Document.for_path("/p/unknown.xyz", "").language is Language.PYTHON


def test_a_byte_order_mark_is_outside_line_zero_as_in_parso() -> None:
    text = "\ufeffDEBUG = True\r\nX = 1\r\n"
    document = Document("/p/settings.py", text)
    assert document.lines == ["DEBUG = True", "X = 1", ""]
    assert document.line_offsets == [1, 15, 22]
    leaf = document.tree.get_first_leaf()
    while leaf is not None:
        assert document.slice(Span.of(leaf)) == leaf.value
        leaf = leaf.get_next_leaf()
    assert document.offset(Position(0, 0)) == 1


_PIECES = st.sampled_from(
    [
        "x = 1",
        "# noqa: DJV201",
        "#",
        "\x0c",
        "\ufeff",
        "\r\n",
        "\n",
        "\r",
        "'",
        '"""',
        "(",
        "def f(:",
        "    ",
        "\t",
        "😀",
        "é",
        "\\",
        "f'{x}'",
        "# djvet: ignore-file[",
        "DEBUG = True",
        "\x00",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_any_text_gives_a_document_without_raising(text: str) -> None:
    document = Document("/p/a.py", text)
    assert len(document.lines) == len(document.line_offsets)
    document.suppressions  # noqa: B018 - the scan must not raise
    document.first_syntax_error()
    leaf = document.tree.get_first_leaf()
    while leaf is not None:
        assert document.slice(Span.of(leaf)) == leaf.value
        leaf = leaf.get_next_leaf()


def test_shared_trees_are_bounded_by_the_size_of_their_texts(monkeypatch):
    """Each keystroke in a large module is a new text: the server keeps trees up to a
    budget of characters, least recently read first out, never the one just parsed."""
    import djvet.core.document as document

    document.clear_shared()
    monkeypatch.setattr(document, "_SHARED_LIMIT", 100)
    versions = [f"x = {n}\n" + "# padding\n" * 4 for n in range(10)]  # ~48 chars each
    trees = [document.parse_shared(text) for text in versions]
    assert document.parse_shared(versions[-1]) is trees[-1]
    assert document.parse_shared(versions[-2]) is trees[-2]
    assert document.parse_shared(versions[0]) is not trees[0]  # evicted, parsed again
    assert sum(map(len, document._SHARED)) <= 100
    big = "y = 1\n" * 100
    assert document.parse_shared(big) is document.parse_shared(big)  # kept although big
    document.clear_shared()


def test_forgotten_trees_leave_every_cache():
    """A fix verification's trees leave the shared trees and the per-tree caches: kept,
    they died later, frozen, in reference cycles only a full collection frees."""
    import djvet.core.document as document
    from djvet.core import parso_utils
    from djvet.project import modules

    text = "import os\n\n\ndef f(x):\n    return os.path.join(x)\n"
    tree = document.parse_shared(text)
    list(parso_utils.iter_nodes(tree, {"funcdef"}))  # indexed
    modules.import_table(tree, "/nowhere/x.py")  # per-tree tables
    assert id(tree) in parso_utils._INDEXES and id(tree) in modules._PER_TREE
    heard: list[tuple[set[str], set[int]]] = []
    document.on_forget(lambda texts, trees: heard.append((texts, trees)))
    try:
        document.forget_shared([text])
    finally:
        document._FORGETTERS.pop()
    assert heard == [({text}, {id(tree)})]
    assert text not in document._SHARED
    assert id(tree) not in parso_utils._INDEXES and id(tree) not in modules._PER_TREE
