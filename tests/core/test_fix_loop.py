"""The fix loop (`checker._fix_file`): fixed point, conflicting fixes waiting a pass,
safety levels, the pass cap, and fixes the engine drops because they would break
the code (`engine.verify_fix`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from djvet import checker
from djvet.checker import MAX_FIX_PASSES, FixLoopError, Result, _fix_file, check_files
from djvet.core.context import FileContext
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Severity, Span
from djvet.engine import check_document, verify_fix
from djvet.project.index import ProjectIndex

from .conftest import temporary_rule

Make = Callable[..., ProjectIndex]


def _assignments(ctx: FileContext) -> Iterator[tuple[str, object]]:
    for name, value in ctx.module_assignments():
        yield name.value, value


def _fix(
    project: ProjectIndex,
    relative: str,
    level: Applicability = Applicability.SAFE,
    **options: object,
) -> Result:
    result = Result()
    _fix_file(
        project,
        project.document(str(project.root / relative)),
        level,
        result,
        **options,
    )
    return result


def _count_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = checker.check_document

    def counting(*args: object, **kwargs: object) -> list[Diagnostic]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(checker, "check_document", counting)
    return calls


def test_independent_fixes_apply_in_one_pass(
    make_project: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    with temporary_rule("DJV991", "test-one") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            for name, value in _assignments(ctx):
                if value.get_code(include_prefix=False) == "1":
                    yield rule.diagnostic(
                        ctx,
                        value,
                        fix=Fix.safe(f"Set {name}", Edit(Span.of(value), "2")),
                    )

        project = make_project(
            {"app/a.py": "A = 1\nB = 1\nC = 1\n"}, select=("DJV991",)
        )
        passes = _count_passes(monkeypatch)
        result = _fix(project, "app/a.py")
    assert (project.root / "app/a.py").read_text() == "A = 2\nB = 2\nC = 2\n"
    assert result.fixes_applied == 3 and result.fixed_by_code == {"DJV991": 3}
    assert len(passes) == 2  # one pass fixes all three, the next finds nothing


def test_conflicting_fixes_wait_for_the_next_pass(
    make_project: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    with temporary_rule("DJV991", "test-conflict") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            end = ctx.document.end_span()
            for name, value in _assignments(ctx):
                if value.get_code(include_prefix=False) == "1":
                    # Every fix also appends at the end of the file: the same point, so
                    # only one of them can go in each pass.
                    fix = Fix.safe(
                        f"Set {name}",
                        Edit(Span.of(value), "2"),
                        Edit(end, f"# fixed {name}\n"),
                    )
                    yield rule.diagnostic(ctx, value, fix=fix)

        project = make_project(
            {"app/a.py": "A = 1\nB = 1\nC = 1\n"}, select=("DJV991",)
        )
        passes = _count_passes(monkeypatch)
        result = _fix(project, "app/a.py")
    assert (project.root / "app/a.py").read_text() == (
        "A = 2\nB = 2\nC = 2\n# fixed A\n# fixed B\n# fixed C\n"
    )
    assert result.fixes_applied == 3 and len(passes) == 4
    before, after = result.fixed[str(project.root / "app/a.py")]
    assert before == "A = 1\nB = 1\nC = 1\n" and after.endswith("# fixed C\n")


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Applicability.SAFE, "S = 2\nU = 1\nD = 1\n"),
        (Applicability.UNSAFE, "S = 2\nU = 2\nD = 1\n"),
        (
            Applicability.DISPLAY_ONLY,
            "S = 2\nU = 2\nD = 1\n",
        ),  # display-only never applies
    ],
)
def test_only_fixes_at_the_level_apply(
    make_project: Make, level: Applicability, expected: str
) -> None:
    makers = {"S": Fix.safe, "U": Fix.unsafe, "D": Fix.display_only}
    with temporary_rule("DJV991", "test-levels") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            for name, value in _assignments(ctx):
                if value.get_code(include_prefix=False) == "1":
                    yield rule.diagnostic(
                        ctx, value, fix=makers[name]("Set", Edit(Span.of(value), "2"))
                    )

        project = make_project(
            {"app/a.py": "S = 1\nU = 1\nD = 1\n"}, select=("DJV991",)
        )
        _fix(project, "app/a.py", level)
    assert (project.root / "app/a.py").read_text() == expected


def test_the_pass_cap_raises(
    make_project: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({"app/a.py": "x = 1\n"})

    def always_fixable(
        document: object, project: ProjectIndex, **kwargs: object
    ) -> list[Diagnostic]:
        end = document.end_span()  # type: ignore[attr-defined]
        fix = Fix.safe("Grow", Edit(end, "y = 2\n"))
        return [
            Diagnostic(
                "DJV991",
                "test-grow",
                "grows",
                document.path,
                end,
                Severity.WARNING,
                fix,
            )
        ]  # type: ignore[attr-defined]

    monkeypatch.setattr(checker, "check_document", always_fixable)
    with pytest.raises(FixLoopError, match=f"after {MAX_FIX_PASSES} passes"):
        _fix(project, "app/a.py")
    # What was fixed before the cap stays fixed: one line per pass.
    assert (project.root / "app/a.py").read_text().count("y = 2") == MAX_FIX_PASSES

    # check_files turns the error into a warning naming the file and carries on.
    project = make_project({"app/b.py": "x = 1\n"})
    result = check_files(
        project, [str(project.root / "app/b.py")], fix_level=Applicability.SAFE
    )
    assert any(w.startswith("app/b.py: fixes did not settle") for w in result.warnings)


def test_a_fix_that_breaks_the_syntax_is_dropped(make_project: Make) -> None:
    with temporary_rule("DJV991", "test-break") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            for _, value in _assignments(ctx):
                yield rule.diagnostic(
                    ctx, value, fix=Fix.safe("Break", Edit(Span.of(value), "("))
                )

        project = make_project({"app/a.py": "A = 1\n"}, select=("DJV991",))
        document = project.document(str(project.root / "app/a.py"))
        raw = check_document(document, project, verify_fixes=False)
        assert raw[0].fix is not None
        assert verify_fix(raw[0], document, project, project.config) == (
            f"the fix breaks the syntax of {document.path}"
        )
        [checked] = check_document(document, project)
        assert checked.code == "DJV991" and checked.fix is None
        result = _fix(project, "app/a.py", Applicability.UNSAFE)
    assert (
        project.root / "app/a.py"
    ).read_text() == "A = 1\n" and result.fixes_applied == 0


def test_a_fix_that_keeps_its_finding_or_adds_one_is_dropped(
    make_project: Make,
) -> None:
    with (
        temporary_rule("DJV991", "test-stays") as stays,
        temporary_rule("DJV992", "test-on-two") as on_two,
    ):

        @stays.on_module
        def check_stays(ctx: FileContext) -> Iterator[Diagnostic]:
            for name, value in _assignments(ctx):
                if name == "A":  # flagged whatever its value: the fix cannot help
                    yield stays.diagnostic(
                        ctx, value, fix=Fix.safe("Set", Edit(Span.of(value), "3"))
                    )
                if name == "B" and value.get_code(include_prefix=False) == "1":
                    yield stays.diagnostic(
                        ctx, value, fix=Fix.safe("Set", Edit(Span.of(value), "2"))
                    )

        @on_two.on_module
        def check_two(ctx: FileContext) -> Iterator[Diagnostic]:
            for _, value in _assignments(ctx):
                if value.get_code(include_prefix=False) == "2":
                    yield on_two.diagnostic(ctx, value)

        project = make_project(
            {"app/a.py": "A = 1\nB = 1\n"}, select=("DJV991", "DJV992")
        )
        document = project.document(str(project.root / "app/a.py"))
        found = check_document(document, project, verify_fixes=False)
        reasons = [verify_fix(d, document, project, project.config) for d in found]
        assert reasons == [
            "the finding is still reported after the fix",
            "the fix adds DJV992",
        ]
        assert [d.fix for d in check_document(document, project)] == [None, None]


def test_a_fix_may_edit_another_file(make_project: Make) -> None:
    with temporary_rule("DJV991", "test-cross") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            other = str(ctx.project.root / "app/b.py")
            if "USE_B" in ctx.text and "FIXED" not in (ctx.project.read(other) or ""):
                fix = Fix.safe(
                    "Mark b", Edit(Span.point(0, 0), "FIXED = 1\n", path=other)
                )
                yield rule.diagnostic(ctx, Span(0, 0, 0, 5), fix=fix)

        project = make_project(
            {"app/a.py": "USE_B = 1\n", "app/b.py": "x = 1\n"}, select=("DJV991",)
        )
        skipped = _fix(project, "app/a.py", own_file_only=True)
        assert skipped.fixes_applied == 0
        result = _fix(project, "app/a.py")
    assert (project.root / "app/b.py").read_text() == "FIXED = 1\nx = 1\n"
    assert set(result.fixed) == {str(project.root / "app/b.py")}


def test_without_writing_the_fixed_text_stays_in_memory(make_project: Make) -> None:
    with temporary_rule("DJV991", "test-memory") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            for _, value in _assignments(ctx):
                if value.get_code(include_prefix=False) == "1":
                    yield rule.diagnostic(
                        ctx, value, fix=Fix.safe("Set", Edit(Span.of(value), "2"))
                    )

        project = make_project({"app/a.py": "A = 1\r\n"}, select=("DJV991",))
        path = str(project.root / "app/a.py")
        result = _fix(project, "app/a.py", write=False)
        assert Path(path).read_bytes() == b"A = 1\r\n"
        assert project.read(path) == "A = 2\r\n" and result.fixed[path] == (
            "A = 1\r\n",
            "A = 2\r\n",
        )

        project = make_project({"app/a.py": "A = 1\r\n"}, select=("DJV991",))
        _fix(project, "app/a.py")
        # line endings survive a real write
        assert Path(path).read_bytes() == b"A = 2\r\n"


def test_the_real_djv201_fix(make_project: Make) -> None:
    project = make_project(
        {
            "manage.py": "",
            "mysite/__init__.py": "",
            "mysite/settings.py": 'SECRET_KEY = "x"\nDEBUG = True\n',
        },
        select=("DJV201",),
    )
    assert _fix(project, "mysite/settings.py").fixes_applied == 0  # the fix is unsafe
    result = _fix(project, "mysite/settings.py", Applicability.UNSAFE)
    assert result.fixes_applied == 1
    assert (project.root / "mysite/settings.py").read_text() == (
        'import os\nSECRET_KEY = "x"\nDEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"\n'
    )


def test_the_server_does_not_keep_the_trees_of_the_fixed_texts(
    make_project: Make,
) -> None:
    """A fixed text is checked once: kept among the shared trees, every verification
    of every keystroke's findings filled the cache with trees no editor shows."""
    import djvet.core.document as shared

    with temporary_rule("DJV991", "test-rename") as rule:

        @rule.on_module
        def check(ctx: FileContext) -> Iterator[Diagnostic]:
            for name, value in _assignments(ctx):
                if name == "A" and value.get_code(include_prefix=False) == "1":
                    yield rule.diagnostic(
                        ctx, value, fix=Fix.safe("Set", Edit(Span.of(value), "2"))
                    )

        project = make_project({"app/a.py": "A = 1\n"}, select=("DJV991",))
        document = project.document(str(project.root / "app/a.py"))
        [finding] = check_document(document, project, verify_fixes=False)
        for keep in (True, False):
            shared.clear_shared()
            assert (
                verify_fix(finding, document, project, project.config, keep_trees=keep)
                is None
            )
            assert ("A = 2\n" in shared._SHARED) is keep
