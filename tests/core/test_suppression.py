"""Suppression comments: every form, prefixes, file-wide, and only real comments
count (a `#` inside a string is not one)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from djvet.core.document import Document
from djvet.core.model import Language
from djvet.core.suppression import ALL, Suppressions
from djvet.engine import check_document
from djvet.project.index import ProjectIndex


@pytest.mark.parametrize(
    ("comment", "line_codes", "file_codes"),
    [
        ("# noqa", {ALL}, set()),
        ("#noqa", {ALL}, set()),
        ("# NOQA", {ALL}, set()),
        ("# noqa: DJV201", {"DJV201"}, set()),
        ("# noqa:DJV201,DJV202", {"DJV201", "DJV202"}, set()),
        ("# noqa: DJV201, E501", {"DJV201", "E501"}, set()),
        (
            "# noqa: DJV201 DJV202",
            {"DJV201", "DJV202"},
            set(),
        ),  # space-separated, like ruff
        ("# noqa: djv201", {"DJV201"}, set()),
        ("# noqa: DJV2", {"DJV2"}, set()),
        ("# noqa: DJV201 -- DEBUG is fine here", {"DJV201"}, set()),
        ("# type: ignore[attr-defined]  # noqa: DJV201", {"DJV201"}, set()),
        ("# noqa:", set(), set()),  # names no code: a typo, not a blanket suppression
        ("# noqa: because", set(), set()),
        ("# noqanything", set(), set()),
        ("# djvet: ignore[DJV201]", {"DJV201"}, set()),
        ("# djvet: ignore[DJV201, DJV202]", {"DJV201", "DJV202"}, set()),
        ("# djvet:ignore[djv2]", {"DJV2"}, set()),
        ("# djvet: ignore", {ALL}, set()),
        ("# djvet: ignore[typo]", set(), set()),
        ("# djvet: ignore-file", set(), {ALL}),
        ("# djvet: ignore-file[DJV201]", set(), {"DJV201"}),
        ("# djvet: ignore-file[DJV1, DJV201]", set(), {"DJV1", "DJV201"}),
        ("# djvet: ignore-file[typo]", set(), set()),  # never widens to the whole file
        ("# djvet: ignore-files", set(), set()),
        ("# just a comment about noqa", set(), set()),
    ],
)
def test_comment_forms(
    comment: str, line_codes: set[str], file_codes: set[str]
) -> None:
    suppressions = Suppressions()
    suppressions.add_comment(3, comment)
    assert suppressions.codes_on_line(3) == line_codes
    assert suppressions.file_wide == file_codes


@pytest.mark.parametrize(
    ("comment", "code", "suppressed"),
    [
        ("# noqa", "DJV201", True),
        ("# noqa: DJV201", "DJV201", True),
        ("# noqa: DJV201", "DJV202", False),
        ("# noqa: DJV2", "DJV201", True),
        ("# noqa: DJV2", "DJV101", False),
        ("# noqa: DJV", "DJV101", False),  # `DJV` alone is not a code
        ("# noqa: E501", "DJV201", False),
        ("# djvet: ignore[DJV20]", "DJV201", True),
    ],
)
def test_prefixes(comment: str, code: str, suppressed: bool) -> None:
    suppressions = Suppressions()
    suppressions.add_comment(0, comment)
    assert suppressions.is_suppressed(code, 0) is suppressed


def test_a_multi_line_finding_is_silenced_on_its_first_or_last_line() -> None:
    suppressions = Suppressions()
    suppressions.add_comment(5, "# noqa: DJV101")
    assert suppressions.is_suppressed("DJV101", 3, 5)
    assert suppressions.is_suppressed("DJV101", 5, 7)
    assert not suppressions.is_suppressed("DJV101", 3, 4)
    assert not suppressions.is_suppressed("DJV101", 4)


def _python(text: str) -> Suppressions:
    return Document("/p/a.py", text).suppressions


def test_only_comments_count_in_python() -> None:
    text = (
        's = "# noqa"\n'
        "t = '# djvet: ignore-file'\n"
        'u = f"{x} # noqa: DJV201"\n'
        'doc = """\n# noqa\n"""\n'
        "v = 1  # noqa: DJV201\n"
        "w = (1,  # djvet: ignore[DJV101]\n     2)\n"
    )
    suppressions = _python(text)
    assert suppressions.file_wide == set()
    assert suppressions.by_line == {6: {"DJV201"}, 7: {"DJV101"}}


def test_comment_on_the_last_line_without_newline() -> None:
    assert _python("x = 1\n# djvet: ignore-file[DJV201]").file_wide == {"DJV201"}


def test_comment_in_code_that_does_not_parse_still_counts() -> None:
    assert _python("def f(:\n    x = 1  # noqa: DJV101\n").codes_on_line(1) == {
        "DJV101"
    }


@pytest.mark.parametrize(
    ("path", "language", "text", "line", "codes"),
    [
        (
            "/p/app/templates/a.html",
            Language.TEMPLATE,
            "<p>\n{{ x.y }} {# noqa: DJV101 #}\n",
            1,
            {"DJV101"},
        ),
        (
            "/p/app/templates/a.html",
            Language.TEMPLATE,
            "{# djvet: ignore[DJV501] #}<img>\n",
            0,
            {"DJV501"},
        ),
        (
            "/p/requirements.txt",
            Language.TEXT,
            "django==3.2  # noqa: DJV901\n",
            0,
            {"DJV901"},
        ),
        ("/p/Dockerfile", Language.TEXT, "FROM python\n# noqa\n", 1, {ALL}),
    ],
)
def test_other_languages(
    path: str, language: Language, text: str, line: int, codes: set[str]
) -> None:
    assert Document(path, text, language).suppressions.codes_on_line(line) == codes


def test_file_wide_in_a_template() -> None:
    document = Document(
        "/p/templates/a.html", "{# djvet: ignore-file[DJV5] #}\n<p>", Language.TEMPLATE
    )
    assert document.suppressions.file_wide == {"DJV5"}


# -- through the engine, with the real DJV201 ------------------------------------------
@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("DEBUG = True", True),
        ("DEBUG = True  # noqa", False),
        ("DEBUG = True  # noqa: DJV201", False),
        ("DEBUG = True  # noqa: DJV2", False),
        ("DEBUG = True  # noqa: DJV202", True),
        ("DEBUG = True  # noqa: E501", True),
        ("DEBUG = True  # djvet: ignore[DJV201]", False),
        ("DEBUG = True  # djvet: ignore[DJV101]", True),
        ("# djvet: ignore-file[DJV201]\nDEBUG = True", False),
        ("# djvet: ignore-file[DJV1]\nDEBUG = True", True),
        ("NOTE = '# noqa'; DEBUG = True", True),
    ],
)
def test_suppressing_djv201(
    make_project: Callable[..., ProjectIndex], line: str, reported: bool
) -> None:
    project = make_project(
        {
            "manage.py": "",
            "mysite/__init__.py": "",
            "mysite/settings.py": f'SECRET_KEY = "x"\n{line}\n',
        },
        select=("DJV201",),
    )
    document = project.document(str(project.root / "mysite/settings.py"))
    found = [d.code for d in check_document(document, project)]
    assert found == (["DJV201"] if reported else [])


def test_a_form_feed_inside_a_comment_does_not_break_the_scan() -> None:
    # parso's own prefix splitter raises on this; the plain scan takes over.
    text = "x = 1\ny = 2  # noqa: DJV201 \x0c page break\n# djvet: ignore-file[DJV1]\nz = 3\n"
    suppressions = _python(text)
    assert suppressions.codes_on_line(1) == {"DJV201"}
    assert suppressions.file_wide == {"DJV1"}
