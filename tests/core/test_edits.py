"""Edits: sorting, overlap rejection, back-to-front application, several files,
Unicode columns (code points), CRLF text, and the builders rules use."""

from __future__ import annotations

import parso
import pytest
from hypothesis import given
from hypothesis import strategies as st

from djvet.core.document import Document
from djvet.core.edits import (
    OverlappingEditsError,
    apply_edits,
    apply_to_files,
    conflicts,
    group_by_path,
    insert_after,
    insert_at,
    insert_before,
    replace_node,
)
from djvet.core.model import Edit, Span


def edit(
    sl: int, sc: int, el: int, ec: int, text: str, path: str | None = None
) -> Edit:
    return Edit(Span(sl, sc, el, ec), text, path)


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        pytest.param("a = 1\n", [edit(0, 4, 0, 5, "2")], "a = 2\n", id="replace"),
        pytest.param(
            "a = 1\n", [edit(0, 0, 0, 0, "# x\n")], "# x\na = 1\n", id="insert"
        ),
        pytest.param(
            "a = 1\nb = 2\n", [edit(0, 0, 1, 0, "")], "b = 2\n", id="delete-line"
        ),
        pytest.param(
            "a = 1\nb = 2\nc = 3\n",
            [edit(2, 4, 2, 5, "30"), edit(0, 4, 0, 5, "10"), edit(1, 4, 1, 5, "20")],
            "a = 10\nb = 20\nc = 30\n",
            id="given-out-of-order",
        ),
        pytest.param(
            "f(a)\n",
            [edit(0, 2, 0, 3, "b"), edit(0, 2, 0, 2, "x, ")],
            "f(x, b)\n",
            id="insert-at-start-of-replacement",
        ),
        pytest.param(
            "f(a)\n",
            [edit(0, 0, 0, 1, "g"), edit(0, 1, 0, 1, "_")],
            "g_(a)\n",
            id="insert-at-end-of-replacement",
        ),
        pytest.param(
            "x\n",
            [edit(0, 0, 0, 0, "import os\n"), edit(0, 0, 0, 0, "import sys\n")],
            "import os\nimport sys\nx\n",
            id="inserts-at-one-point-keep-order",
        ),
        pytest.param(
            "x\n",
            [edit(0, 0, 0, 0, "import os\n"), edit(0, 0, 0, 0, "import os\n")],
            "import os\nx\n",
            id="identical-edit-applied-once",
        ),
        pytest.param(
            "a = 1", [edit(0, 4, 0, 99, "2")], "a = 2", id="column-past-line-end-clamps"
        ),
        pytest.param(
            "a = 1\n",
            [edit(5, 0, 5, 0, "b = 2\n")],
            "a = 1\nb = 2\n",
            id="line-past-end",
        ),
        pytest.param(
            "a = 1\nb = 2\n",
            [edit(0, 5, 0, 99, ";")],
            "a = 1;\nb = 2\n",
            id="clamp-stops-before-newline",
        ),
    ],
)
def test_apply_edits(text: str, edits: list[Edit], expected: str) -> None:
    assert apply_edits(text, edits) == expected


@pytest.mark.parametrize(
    "edits",
    [
        [edit(0, 0, 0, 3, "x"), edit(0, 2, 0, 5, "y")],
        [edit(0, 0, 1, 2, "x"), edit(1, 0, 1, 1, "y")],
        [
            edit(0, 1, 0, 4, "x"),
            edit(0, 2, 0, 2, "y"),
        ],  # an insertion inside a replacement
    ],
    ids=["same-line", "across-lines", "insert-inside"],
)
def test_overlapping_edits_are_rejected(edits: list[Edit]) -> None:
    with pytest.raises(OverlappingEditsError):
        apply_edits("a = 1\nb = 2\n", edits)


def test_columns_count_code_points_not_bytes_or_utf16_units() -> None:
    # "😀" is one code point, two UTF-16 units and four UTF-8 bytes.
    text = 'name = "😀é"; x = 1\n'
    column = text.index("x")
    assert column == 13
    assert (
        apply_edits(text, [edit(0, column, 0, column + 1, "y")])
        == 'name = "😀é"; y = 1\n'
    )
    leaf = parso.parse(text).children[0].children[2].children[0]  # `x` in `x = 1`
    assert leaf.value == "x" and leaf.start_pos == (1, 13)
    assert apply_edits(text, [replace_node(leaf, "zz")]) == 'name = "😀é"; zz = 1\n'


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_are_kept_and_counted_like_parso(newline: str) -> None:
    text = f"a = 1{newline}b = 2{newline}"
    module = parso.parse(text)
    two = module.children[1].children[0].children[2]  # the `2`
    assert two.value == "2"
    assert (
        apply_edits(text, [replace_node(two, "3")]) == f"a = 1{newline}b = 3{newline}"
    )
    assert (
        apply_edits(text, [edit(0, 5, 0, 50, " + 0")])
        == f"a = 1 + 0{newline}b = 2{newline}"
    )


def test_edits_across_files() -> None:
    texts = {"/p/a.py": "x = 1\n", "/p/b.py": "y = 2\n"}
    edits = [edit(0, 4, 0, 5, "10"), edit(0, 4, 0, 5, "20", path="/p/b.py")]
    assert group_by_path(edits, "/p/a.py") == {
        "/p/a.py": [edits[0]],
        "/p/b.py": [edits[1]],
    }
    assert apply_to_files(texts, edits, "/p/a.py") == {
        "/p/a.py": "x = 10\n",
        "/p/b.py": "y = 20\n",
    }


def test_only_touched_files_come_back() -> None:
    texts = {"/p/a.py": "x = 1\n", "/p/b.py": "y = 2\n"}
    assert apply_to_files(
        texts, [edit(0, 0, 0, 0, "#\n", path="/p/b.py")], "/p/a.py"
    ) == {"/p/b.py": "#\ny = 2\n"}


@pytest.mark.parametrize(
    ("chosen", "candidate", "expected"),
    [
        ([edit(0, 0, 0, 3, "x")], [edit(0, 2, 0, 4, "y")], True),
        ([edit(0, 0, 0, 3, "x")], [edit(0, 3, 0, 4, "y")], False),  # adjacent
        (
            [edit(0, 0, 0, 0, "import os\n")],
            [edit(0, 0, 0, 0, "import os\n")],
            False,
        ),  # identical
        (
            [edit(0, 0, 0, 0, "import os\n")],
            [edit(0, 0, 0, 0, "import re\n")],
            True,
        ),  # order?
        (
            [edit(0, 0, 0, 3, "x")],
            [edit(0, 0, 0, 3, "x", path="/p/b.py")],
            False,
        ),  # other file
        (
            [edit(0, 0, 0, 3, "x", path="/p/a.py")],
            [edit(0, 1, 0, 2, "y")],
            True,
        ),  # own path
    ],
)
def test_conflicts_between_fixes(
    chosen: list[Edit], candidate: list[Edit], expected: bool
) -> None:
    assert conflicts(chosen, candidate, "/p/a.py") is expected


def test_builders_keep_the_prefix_with_its_comment() -> None:
    text = "x = 1  # keep\ny = 2\n"
    module = parso.parse(text)
    first = module.children[0].children[0]  # the statement `x = 1`
    assert (
        apply_edits(text, [insert_before(first, "# above\n")])
        == "# above\nx = 1  # keep\ny = 2\n"
    )
    assert (
        apply_edits(text, [insert_after(first, " + 1")]) == "x = 1 + 1  # keep\ny = 2\n"
    )
    assert (
        apply_edits(text, [insert_at(1, 0, "z = 0\n")])
        == "x = 1  # keep\nz = 0\ny = 2\n"
    )
    assert apply_edits(text, [replace_node(first, "x = 3")]) == "x = 3  # keep\ny = 2\n"


def test_apply_edits_agrees_with_document_offsets() -> None:
    text = "é = 1\r\nb = '😀'\rc = 3\n"
    document = Document("/p/a.py", text)
    span = Span(1, 5, 2, 1)
    assert document.slice(span) == "😀'\rc"
    start, end = document.offset(span.start), document.offset(span.end)
    assert apply_edits(text, [Edit(span, "X")]) == text[:start] + "X" + text[end:]


# -- property: any set of non-overlapping edits equals splicing by offsets --------------
_line = st.text(alphabet=st.sampled_from(list("ab é😀\t")), max_size=6)


@st.composite
def _text_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit], str]:
    lines = draw(st.lists(_line, min_size=1, max_size=5))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    document = Document("/p/x.py", text)
    offsets = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pairs = list(zip(offsets[::2], offsets[1::2], strict=False))  # sorted: no overlaps
    # a newline pair must not be split in the middle
    pairs = [
        (a, b)
        for a, b in pairs
        if not _splits_crlf(text, a) and not _splits_crlf(text, b)
    ]
    # An edit repeated verbatim is applied once, so the reference drops repeats too.
    splices = list(dict.fromkeys((a, b, draw(_line)) for a, b in pairs))
    edits = [
        Edit(Span(*_pos(document, a), *_pos(document, b)), new) for a, b, new in splices
    ]
    expected = text
    for a, b, new in reversed(splices):
        expected = expected[:a] + new + expected[b:]
    return text, edits, expected


def _splits_crlf(text: str, offset: int) -> bool:
    return 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n"


def _pos(document: Document, offset: int) -> tuple[int, int]:
    position = document.position(offset)
    return position.line, position.column


@given(_text_and_edits())
def test_edits_splice_like_offsets(case: tuple[str, list[Edit], str]) -> None:
    text, edits, expected = case
    assert apply_edits(text, edits) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1\r\nb = 2\r\n", "import os\r\nimport re\r\na = 1\r\nb = 2\r\n"),
        ("a = 1\rb = 2\r", "import os\rimport re\ra = 1\rb = 2\r"),
        ("a = 1\nb = 2\n", "import os\nimport re\na = 1\nb = 2\n"),
        ("a = 1", "import os\nimport re\na = 1"),  # no line break yet: `\n`
    ],
    ids=["crlf", "cr", "lf", "none"],
)
def test_new_text_takes_the_files_line_ending(text: str, expected: str) -> None:
    assert apply_edits(text, [edit(0, 0, 0, 0, "import os\nimport re\n")]) == expected
    # text that already says `\r\n` is left as it is
    assert apply_edits("a\r\n", [edit(0, 0, 0, 0, "b\r\n")]) == "b\r\na\r\n"


def test_edits_never_touch_a_byte_order_mark() -> None:
    text = "\ufeffDEBUG = True\n"
    module = parso.parse(text)
    value = module.children[0].children[0].children[2]
    assert value.value == "True" and value.start_pos == (1, 8)  # parso skips the BOM
    assert apply_edits(text, [replace_node(value, "False")]) == "\ufeffDEBUG = False\n"
    assert (
        apply_edits(text, [edit(0, 0, 0, 0, "import os\n")])
        == "\ufeffimport os\nDEBUG = True\n"
    )
