"""The LSP layer's pure parts, in-process: positions, settings, `# noqa` edits, fix-all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from djvet.core.document import Document
from djvet.core.edits import replace_node
from djvet.core.model import Fix
from djvet.core.roles import FileRole
from djvet.core.rule import _NAMES, RULES, Family, FixAvailability, Rule
from djvet.lsp.analysis import Snapshot, analyse, fix_all, minimal_edit, verify
from djvet.lsp.convert import from_position, to_position
from djvet.lsp.options import parse_settings
from djvet.lsp.suppress import code_at, noqa_edit
from djvet.lsp.workspaces import build_config
from djvet.project.index import ProjectIndex

from .helpers import apply_text_edits

UTF8, UTF16, UTF32 = (PositionCodec(e) for e in ("utf-8", "utf-16", "utf-32"))


@pytest.mark.parametrize(("codec", "units"), [(UTF8, 4), (UTF16, 2), (UTF32, 1)])
def test_positions_round_trip_through_each_encoding(codec: PositionCodec, units: int):
    lines = Document(path="x.py", text='a = "🛒"; b = 1\r\nc = 2\n').lines
    position = to_position(lines, 0, 9, codec)  # `b`, after the emoji
    assert position == lsp.Position(line=0, character=8 + units)
    assert from_position(lines, position, codec) == (0, 9)
    # CRLF is one end
    assert to_position(lines, 1, 0, codec) == lsp.Position(line=1, character=0)
    # clamped
    assert from_position(lines, lsp.Position(line=9, character=0), codec) == (
        2,
        0,
    )


def test_minimal_edit_replaces_only_the_changed_middle():
    before, after = 'X = "🛒"\nDEBUG = True\n', 'X = "🛒"\nDEBUG = False\n'
    edit = minimal_edit(before, after, UTF16)
    assert (edit.range.start, edit.new_text) == (
        lsp.Position(line=1, character=8),
        "Fals",
    )
    assert apply_text_edits(before, [edit], "utf-16") == after


@pytest.mark.parametrize(
    ("raw", "expected", "problem"),
    [
        (
            {"select": ["DJV2", "NOPE"]},
            {"select": ("DJV2",)},
            "`select` has unknown rule code",
        ),
        ({"select": ["NOPE"]}, {}, "`select` has no valid rule code"),
        ({"severity": 5}, {}, "`severity` must be a table"),
        ({"severity": {"DJV201": "loud"}}, {}, "`severity.DJV201` is ignored"),
        ({"djangoVersion": 5.2}, {"django_version": "5.2"}, None),
        ({"djvet": {"extend-select": "DJV201"}}, {"extend_select": ("DJV201",)}, None),
        (
            {"settingsModules": {"production": "config.prod"}},
            {"settings_modules": {"production": ("config.prod",)}},
            None,
        ),
        ("select everything", {}, "must be an object"),
        ([], {}, None),  # Neovim sends an empty Lua table as a JSON array
    ],
)
def test_settings_fall_back_to_defaults_and_name_the_key(raw, expected, problem):
    settings = parse_settings(raw)
    chosen = {
        k: v for k, v in vars(settings).items() if v is not None and k != "messages"
    }
    assert chosen == expected
    assert (
        any(problem in m for m in settings.messages)
        if problem
        else settings.messages == ()
    )


def test_editor_selection_layers_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.djvet]\nignore = ["DJV201"]\n', encoding="utf-8"
    )
    assert not build_config(tmp_path, parse_settings({})).is_enabled("DJV201")
    assert build_config(tmp_path, parse_settings({"select": ["DJV201"]})).is_enabled(
        "DJV201"
    )
    assert not build_config(tmp_path, parse_settings({"ignore": ["DJV2"]})).is_enabled(
        "DJV202"
    )


@pytest.mark.parametrize(
    ("line", "after"),
    [
        ("DEBUG = True   ", "DEBUG = True  # noqa: DJV201"),
        ("DEBUG = True  # noqa: E501", "DEBUG = True  # noqa: E501, DJV201"),
        ("DEBUG = True  # keep it on", "DEBUG = True  # keep it on  # noqa: DJV201"),
        ('DEBUG = "#"', 'DEBUG = "#"  # noqa: DJV201'),
    ],
)
def test_noqa_edit_appends_or_extends(line: str, after: str):
    document = Document.for_path("settings.py", f"{line}\nX = 1\n")
    edit = noqa_edit(document, 0, "DJV201")
    assert edit is not None
    text = document.text
    start, end = document.offset(edit.span.start), document.offset(edit.span.end)
    assert (text[:start] + edit.new_text + text[end:]).splitlines()[0] == after


def test_noqa_edit_in_a_template_uses_a_template_comment():
    document = Document.for_path(
        "shop/templates/form.html", '<form method="post">\n</form>\n'
    )
    edit = noqa_edit(document, 0, "DJV226")
    assert edit is not None and edit.new_text == "  {# noqa: DJV226 #}"
    assert (edit.span.start_column, edit.span.end_column) == (20, 20)


def test_noqa_edit_leaves_covered_lines_and_strings_alone():
    assert (
        noqa_edit(Document.for_path("s.py", "DEBUG = True  # noqa\n"), 0, "DJV201")
        is None
    )
    assert (
        noqa_edit(Document.for_path("s.py", "X = 1  # noqa: DJV201\n"), 0, "DJV201")
        is None
    )
    inside_string = Document.for_path("s.py", 'X = """one\ntwo"""\n')
    assert noqa_edit(inside_string, 0, "DJV201") is None


def test_code_at_finds_codes_in_suppression_comments_only():
    line = "X = 'DJV201'  # noqa: E501, DJV202"
    assert code_at(line, line.index("DJV202") + 3) == "DJV202"
    assert code_at(line, line.index("DJV201")) is None


# -- fix-all ---------------------------------------------------------------------------
@pytest.fixture
def redundant_parens() -> Iterator[Rule]:
    """A throw-away rule with a SAFE fix whose fixes overlap when parentheses nest."""
    rule = Rule(
        code="DJV999",
        name="test-redundant-parentheses",
        family=Family.TOOLING,
        message="redundant parentheses",
        fix=FixAvailability.ALWAYS,
        applies_to=FileRole.PYTHON,
        docs="test only",
    )

    @rule.on("atom")
    def check(ctx, node):
        inner = node.children[1] if len(node.children) == 3 else None
        if node.children[0] == "(" and inner is not None and inner.type == "atom":
            yield rule.diagnostic(
                ctx,
                node,
                fix=Fix.safe("Remove", replace_node(node, inner.get_code(False))),
            )

    yield rule
    del RULES[rule.code]
    _NAMES.discard(rule.name)


def test_fix_all_iterates_to_a_fixed_point_in_memory(redundant_parens, tmp_path):
    path = tmp_path / "app.py"
    path.write_text("x = (((1)))\n", encoding="utf-8")
    project = ProjectIndex(tmp_path)
    # The two fixes overlap, so one waits for the second pass.
    changed = fix_all(project, str(path), "x = (((1)))  # keep\n")
    assert changed == {str(path): ("x = (((1)))  # keep\n", "x = (1)  # keep\n")}
    assert path.read_text(encoding="utf-8") == "x = (((1)))\n", (
        "fix-all never writes files"
    )


def test_a_verification_stops_between_fixes_once_the_document_changed(
    redundant_parens, tmp_path
):
    """Each fix re-checks the file (in a fork of the project for a models module):
    a keystroke arriving meanwhile must not wait for all of them."""
    path = tmp_path / "app.py"
    text = "x = ((1))\ny = ((2))\n"
    path.write_text(text, encoding="utf-8")
    project = ProjectIndex(tmp_path)
    snapshot = Snapshot(
        uri=path.as_uri(),
        path=str(path),
        text=text,
        version=3,
        codec=UTF16,
        versions={str(path): 3},
    )
    unverified = analyse(project, snapshot, verify=False)
    assert len(unverified.findings) == 2 and not unverified.verified
    asked: list[int] = []

    def stale_after_the_first() -> bool:
        asked.append(1)
        return len(asked) > 1

    assert verify(project, unverified, stale_after_the_first) is None
    assert len(asked) == 2  # asked before each fix: one verified, then it stopped
    verified = verify(project, unverified, lambda: False)
    assert verified is not None and verified.verified
    assert all(d.data for d in verified.diagnostics)  # fixes go with the diagnostics
