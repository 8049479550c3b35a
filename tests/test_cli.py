"""The `djvet` command, in-process through `main([...])` with captured output, and once
as a subprocess. The project is a tiny Django site whose production settings module
sets `DEBUG = True` (DJV201, whose fix is unsafe); counts always select DJV201 alone,
so rules added later cannot change them."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from djvet import checker, cli
from djvet.checker import collect_files
from djvet.cli import main
from djvet.core.config import load_config
from djvet.project.index import ProjectIndex

SCHEMAS = Path(__file__).parent / "schemas"
SETTINGS = 'SECRET_KEY = "x"\nDEBUG = True\nALLOWED_HOSTS = ["example.com"]\n'
FIXED = (
    'import os\nSECRET_KEY = "x"\nDEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"\n'
    'ALLOWED_HOSTS = ["example.com"]\n'
)
ONLY = ["--select", "DJV201"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
        "mysite/__init__.py": "",
        "mysite/settings.py": SETTINGS,
        "shop/__init__.py": "",
        "shop/views.py": "def index(request):\n    return None\n",
    }
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    (tmp_path / ".git").mkdir()  # keeps project discovery inside the temporary folder
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def settings_text(project: Path) -> str:
    return (project / "mysite/settings.py").read_text()


# -- findings and exit codes -----------------------------------------------------------
def test_text_output_shows_the_line_the_caret_and_the_fix(
    project: Path, capsys
) -> None:
    code, out, err = run(capsys, "check", *ONLY)
    assert code == 1
    assert out.splitlines()[:5] == [
        "mysite/settings.py:2:9: DJV201 `DEBUG` is on in production settings; tracebacks and "
        "settings leak to visitors",
        "    |",
        "  2 | DEBUG = True",
        "    |         ^^^^",
        "  help: Read `DEBUG` from the environment, off by default (unsafe fix)",
    ]
    assert "Found 1 finding." in out
    assert "1 fixable with `djvet check --fix --unsafe-fixes`" in out
    assert err == ""  # piped: no progress line, no timings, no warnings


def test_clean_project_exits_zero(project: Path, capsys) -> None:
    (project / "mysite/settings.py").write_text('SECRET_KEY = "x"\nDEBUG = False\n')
    assert run(capsys, "check", *ONLY) == (0, "All checks passed!\n", "")


def test_exit_zero(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--exit-zero")
    assert code == 0 and "DJV201" in out


def test_paths_limit_the_check(project: Path, capsys) -> None:
    assert run(capsys, "check", *ONLY, "shop")[0] == 0
    assert run(capsys, "check", *ONLY, "mysite/settings.py")[0] == 1
    assert run(capsys, "check", *ONLY, "shop/views.py", "mysite")[0] == 1


def test_a_folder_outside_the_project_is_walked_too(
    project: Path, capsys, tmp_path_factory
) -> None:
    other = tmp_path_factory.mktemp("other")
    (other / "site").mkdir()
    (other / "site/settings.py").write_text('SECRET_KEY = "x"\nDEBUG = True\n')
    (other / "site/.venv").mkdir()
    # excluded by default
    (other / "site/.venv/settings.py").write_text("DEBUG = True\n")
    index = ProjectIndex(project, load_config(project))
    assert collect_files(index, ["shop", str(other)]) == [
        str(other / "site/settings.py"),
        str(project / "shop/__init__.py"),
        str(project / "shop/views.py"),
    ]
    # Project-wide facts (which module is production) come from the first path's project,
    # so the other folder's files are checked on their own: no crash, no DJV201.
    assert run(capsys, "check", *ONLY, "shop", str(other)) == (
        0,
        "All checks passed!\n",
        "",
    )


def test_concise(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--output-format", "concise")
    assert code == 1
    assert out.splitlines()[0] == (
        "mysite/settings.py:2:9: DJV201 `DEBUG` is on in production settings; tracebacks and "
        "settings leak to visitors"
    )


def test_json_is_modelled_on_ruff(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--output-format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding["filename"] == "mysite/settings.py"
    assert (finding["code"], finding["name"], finding["severity"]) == (
        "DJV201",
        "debug-enabled",
        "error",
    )
    assert finding["location"] == {"row": 2, "column": 9}
    assert finding["end_location"] == {"row": 2, "column": 13}
    assert finding["fix"]["applicability"] == "unsafe"
    assert (
        finding["fix"]["message"] == "Read `DEBUG` from the environment, off by default"
    )
    assert finding["fix"]["edits"] == [
        {
            "filename": "mysite/settings.py",
            "location": {"row": 1, "column": 1},
            "end_location": {"row": 1, "column": 1},
            "content": "import os\n",
        },
        {
            "filename": "mysite/settings.py",
            "location": {"row": 2, "column": 9},
            "end_location": {"row": 2, "column": 13},
            "content": 'os.environ.get("DJANGO_DEBUG", "False") == "True"',
        },
    ]
    assert finding["url"].endswith("/DJV201/")


def test_json_without_findings_is_an_empty_list(project: Path, capsys) -> None:
    assert run(capsys, "check", *ONLY, "shop", "--output-format", "json") == (
        0,
        "[]\n",
        "",
    )


def _sarif_schema() -> dict:
    return json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_official_schema(project: Path, capsys) -> None:
    # a warning becomes a notification
    (project / "shop/legacy.py").write_bytes(b"x = '\xff'\n")
    code, out, _ = run(capsys, "check", *ONLY, "--output-format", "sarif")
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, _sarif_schema())
    [run_] = document["runs"]
    [result] = run_["results"]
    assert result["ruleId"] == "DJV201" and result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "mysite/settings.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {
        "startLine": 2,
        "startColumn": 9,
        "endLine": 2,
        "endColumn": 13,
    }
    assert (
        run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        == project.resolve().as_uri() + "/"
    )
    rules = run_["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "DJV201"
    assert result["fixes"][0]["artifactChanges"][0]["replacements"][1][
        "insertedContent"
    ]["text"].startswith("os.")
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert any("shop/legacy.py: not UTF-8" in n["message"]["text"] for n in notes)


def test_sarif_without_findings_is_valid_too(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "shop", "--output-format", "sarif")
    assert code == 0
    jsonschema.validate(json.loads(out), _sarif_schema())


def test_github_annotations(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--output-format", "github")
    assert code == 1
    assert out == (
        "::error file=mysite/settings.py,line=2,col=9,endLine=2,endColumn=13,"
        "title=djvet (DJV201 debug-enabled)::DJV201 `DEBUG` is on in production settings; "
        "tracebacks and settings leak to visitors\n"
    )


def test_statistics(project: Path, capsys) -> None:
    code, out, err = run(capsys, "check", *ONLY, "--statistics")
    assert code == 1
    assert out.splitlines()[0] == "1  DJV201      debug-enabled"
    assert "Time per rule:" in err and "DJV201 debug-enabled" in err
    assert "Time per phase:" in err and "ms  rules" in err
    code, out, _ = run(
        capsys,
        "check",
        *ONLY,
        "--statistics",
        "--unsafe-fixes",
        "--output-format",
        "json",
    )
    assert json.loads(out) == [
        {"code": "DJV201", "name": "debug-enabled", "count": 1, "fixable": 1}
    ]


# -- fixes -----------------------------------------------------------------------------
def test_diff_shows_the_fix_and_writes_nothing(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--diff")
    assert code == 1
    assert "  --- a/mysite/settings.py" in out and "  +++ b/mysite/settings.py" in out
    assert "  -DEBUG = True" in out
    assert '  +DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"' in out
    assert "  +import os" in out
    assert settings_text(project) == SETTINGS


def test_fix_applies_only_safe_fixes(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--fix")
    assert code == 1 and "DJV201" in out and "Fixed" not in out
    assert settings_text(project) == SETTINGS


def test_unsafe_fixes_mark_findings_fixable(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--unsafe-fixes")
    assert code == 1
    assert "DJV201 [*] `DEBUG`" in out
    assert "[*] 1 fixable with `djvet check --fix --unsafe-fixes`." in out
    assert settings_text(project) == SETTINGS


def test_fix_with_unsafe_fixes_writes_the_file(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", *ONLY, "--fix", "--unsafe-fixes")
    assert code == 0
    assert out == "Fixed 1 finding in 1 file.\nAll checks passed!\n"
    assert settings_text(project) == FIXED
    assert run(capsys, "check", *ONLY)[0] == 0


def test_fix_diff_prints_what_would_change_and_writes_nothing(
    project: Path, capsys
) -> None:
    code, out, err = run(capsys, "check", *ONLY, "--fix", "--diff", "--unsafe-fixes")
    assert code == 1
    assert out.splitlines() == [
        "--- a/mysite/settings.py",
        "+++ b/mysite/settings.py",
        "@@ -1,3 +1,4 @@",
        "+import os",
        ' SECRET_KEY = "x"',
        "-DEBUG = True",
        '+DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"',
        ' ALLOWED_HOSTS = ["example.com"]',
    ]
    assert err == "Would fix 1 finding.\n"
    assert settings_text(project) == SETTINGS
    assert run(capsys, "check", *ONLY, "--fix", "--diff") == (
        0,
        "",
        "No fixes available.\n",
    )


# -- standard input --------------------------------------------------------------------
def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    )


def test_stdin_is_checked_as_the_named_file(project: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, b'SECRET_KEY = "x"\nDEBUG = True\n')
    code, out, _ = run(
        capsys, "check", *ONLY, "-", "--stdin-filename", "mysite/settings.py"
    )
    assert code == 1 and out.startswith("mysite/settings.py:2:9: DJV201")
    # the file on disk is neither read nor written
    assert settings_text(project) == SETTINGS


def test_stdin_filename_alone_implies_stdin(project: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, b"DEBUG = False\n")
    assert run(capsys, "check", *ONLY, "--stdin-filename", "mysite/settings.py")[0] == 0


def test_stdin_fix_prints_the_fixed_text(project: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, SETTINGS.encode())
    code, out, err = run(
        capsys,
        "check",
        *ONLY,
        "--fix",
        "--unsafe-fixes",
        "-",
        "--stdin-filename",
        "mysite/settings.py",
    )
    assert (code, out, err) == (0, FIXED, "")
    assert settings_text(project) == SETTINGS


def test_stdin_fix_without_a_fix_echoes_and_reports(
    project: Path, capsys, monkeypatch
) -> None:
    _stdin(monkeypatch, SETTINGS.encode())
    code, out, err = run(
        capsys, "check", *ONLY, "--fix", "-", "--stdin-filename", "mysite/settings.py"
    )
    assert code == 1 and out == SETTINGS
    assert err.startswith("mysite/settings.py:2:9: DJV201")


def test_stdin_fix_diff(project: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, SETTINGS.encode())
    code, out, _ = run(
        capsys,
        "check",
        *ONLY,
        "--fix",
        "--diff",
        "--unsafe-fixes",
        "-",
        "--stdin-filename",
        "mysite/settings.py",
    )
    assert code == 1 and "-DEBUG = True" in out


def test_stdin_that_is_not_utf8(project: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, b"x = '\xff'\n")
    code, _, err = run(capsys, "check", "-")
    assert code == 2 and "standard input is not UTF-8" in err


def test_stdin_cannot_be_mixed_with_paths(project: Path, capsys) -> None:
    code, _, err = run(capsys, "check", "-", "shop")
    assert code == 2 and "cannot be combined" in err


# -- selection and configuration -------------------------------------------------------
def test_unknown_code_is_a_usage_error_listing_valid_prefixes(
    project: Path, capsys
) -> None:
    code, out, err = run(capsys, "check", "--select", "DJV201,DJV2001")
    assert code == 2 and out == ""
    assert err.startswith(
        "djvet: error: --select: unknown rule code or prefix DJV2001; did you mean DJV"
    )
    assert "ALL, DJV, a family prefix DJV1 (orm), DJV2 (security)" in err
    assert run(capsys, "check", "--ignore", "E501")[0] == 2
    assert run(capsys, "check", "--extend-select", "DJVX")[0] == 2


def test_ignore_and_extend_select(project: Path, capsys) -> None:
    assert run(capsys, "check", *ONLY, "--ignore", "DJV201")[0] == 0
    # the more specific wins
    assert run(capsys, "check", *ONLY, "--ignore", "DJV2")[0] == 1
    assert (
        "DJV201"
        not in run(
            capsys,
            "check",
            "--select",
            "DJV2",
            "--ignore",
            "DJV201",
            "--output-format",
            "concise",
        )[1]
    )
    assert run(capsys, "check", "--select", "DJV1", "shop")[0] == 0
    code, out, _ = run(
        capsys,
        "check",
        "--select",
        "DJV1",
        "--extend-select",
        "DJV201",
        "--output-format",
        "concise",
    )
    assert code == 1 and "DJV201" in out


def test_pyproject_configuration_and_flags_over_it(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.djvet]\nselect = ["DJV201"]\nignore = ["DJV201"]\n'
    )
    assert run(capsys, "check") == (0, "All checks passed!\n", "")
    # --select starts afresh, as in ruff
    assert run(capsys, "check", "--select", "DJV201")[0] == 1
    assert run(capsys, "check", "--extend-select", "DJV201")[0] == 1


def test_per_file_ignores_and_severity(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.djvet]\nseverity = {DJV2 = "hint"}\n[tool.djvet.per-file-ignores]\n"shop/*" = ["DJV"]\n'
    )
    code, out, _ = run(capsys, "check", *ONLY, "--output-format", "json")
    assert code == 1 and json.loads(out)[0]["severity"] == "hint"
    (project / "pyproject.toml").write_text(
        '[tool.djvet.per-file-ignores]\n"mysite/settings.py" = ["DJV201"]\n'
    )
    assert run(capsys, "check", *ONLY)[0] == 0


def test_invalid_configuration_warns_naming_the_key_and_uses_defaults(
    project: Path, capsys
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.djvet]\nselect = "DJV201"\nignore = 5\ncolour = true\n'
    )
    code, out, err = run(capsys, "check", "--output-format", "concise")
    assert code == 1 and "DJV201" in out
    assert "djvet: warning: pyproject.toml [tool.djvet]: `ignore` must be a list" in err
    assert "unknown key `colour`" in err


def test_broken_toml_warns_and_uses_defaults(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text("[tool.djvet\n")
    code, _, err = run(capsys, "check", *ONLY)
    assert code == 1 and "not valid TOML" in err and "using defaults" in err


def test_explicit_config_file(project: Path, capsys) -> None:
    (project / "ci.toml").write_text('[tool.djvet]\nignore = ["DJV201"]\n')
    assert (
        run(capsys, "check", "--config", "ci.toml", "--output-format", "concise")[
            1
        ].count("DJV201")
        == 0
    )
    code, _, err = run(capsys, "check", "--config", "missing.toml")
    assert code == 2 and "--config: no such file missing.toml" in err


def test_excluded_files_are_skipped_in_folders_and_with_force_exclude(
    project: Path, capsys
) -> None:
    (project / "pyproject.toml").write_text('[tool.djvet]\nexclude = ["mysite"]\n')
    assert run(capsys, "check", *ONLY)[0] == 0
    config = load_config(project)
    index = ProjectIndex(project, config)
    named = str(project / "mysite/settings.py")
    assert collect_files(index, ["."]) == [
        str(project / name)
        for name in ("manage.py", "pyproject.toml", "shop/__init__.py", "shop/views.py")
    ]
    # named explicitly: checked
    assert collect_files(index, ["mysite/settings.py"]) == [named]
    assert collect_files(index, ["mysite/settings.py"], force_exclude=True) == []
    code, _, err = run(capsys, "check", *ONLY, "--force-exclude", "mysite/settings.py")
    assert code == 0 and "no files to check" in err


# -- bad input -------------------------------------------------------------------------
def test_missing_path_is_an_error_but_the_rest_is_checked(
    project: Path, capsys
) -> None:
    code, out, err = run(capsys, "check", *ONLY, "nope.py", "mysite")
    assert code == 2
    assert "djvet: warning: nope.py: no such file or directory" in err
    assert "DJV201" in out


def test_folder_without_checkable_files(project: Path, capsys) -> None:
    (project / "assets").mkdir()
    (project / "assets/logo.svg").write_text("<svg/>")
    code, out, err = run(capsys, "check", "assets")
    assert code == 0 and out == "All checks passed!\n"
    assert "djvet: warning: no files to check in assets" in err


def test_non_utf8_file_is_skipped_with_a_warning(project: Path, capsys) -> None:
    (project / "shop/latin1.py").write_bytes(b"# caf\xe9\nDEBUG = True\n")
    code, out, err = run(capsys, "check", *ONLY, "--output-format", "concise")
    assert code == 1 and "mysite/settings.py" in out
    assert "djvet: warning: shop/latin1.py: not UTF-8; skipped" in err


def test_unparsable_file_gives_partial_results(project: Path, capsys) -> None:
    (project / "mysite/settings.py").write_text(
        'SECRET_KEY = "x"\ndef broken(:\n    pass\nDEBUG = True\n'
    )
    code, out, err = run(capsys, "check", *ONLY, "--output-format", "concise")
    assert code == 1 and "mysite/settings.py:4:9: DJV201" in out
    assert "djvet: warning: mysite/settings.py:2:" in err and "syntax error" in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_loops_do_not_hang(project: Path, capsys) -> None:
    os.symlink(project, project / "shop/loop")  # a folder linking to its ancestor
    os.symlink(project / "shop/self.py", project / "shop/self.py")  # a link to itself
    os.symlink(project / "gone.py", project / "shop/dangling.py")
    code, out, err = run(capsys, "check", *ONLY, "--output-format", "concise")
    assert code == 1 and out.count("DJV201") == 1
    code, _, err = run(capsys, "check", *ONLY, "shop/self.py")
    assert code == 2 and "shop/self.py: broken symbolic link or symlink loop" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_skipped_not_read(project: Path, capsys) -> None:
    os.mkfifo(project / "shop/pipe.py")  # opening it for reading would block forever
    code, out, err = run(capsys, "check", *ONLY, "--output-format", "concise")
    assert code == 1 and "mysite/settings.py" in out
    assert "djvet: warning: shop/pipe.py: not a regular file; skipped" in err
    code, _, err = run(capsys, "check", *ONLY, "shop/pipe.py")
    assert code == 0 and err.count("shop/pipe.py: not a regular file") == 1


def test_fix_keeps_crlf_and_a_byte_order_mark(project: Path, capsys) -> None:
    crlf = "\ufeff" + SETTINGS.replace("\n", "\r\n")
    (project / "mysite/settings.py").write_bytes(crlf.encode())
    assert run(capsys, "check", *ONLY, "--fix", "--unsafe-fixes")[0] == 0
    assert (
        project / "mysite/settings.py"
    ).read_bytes().decode() == "\ufeff" + FIXED.replace("\n", "\r\n")


def test_internal_errors_exit_2_with_a_message(
    project: Path, capsys, monkeypatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "check_files", explode)
    code, _, err = run(capsys, "check")
    assert code == 2 and "djvet: internal error: boom" in err


def test_usage_errors(project: Path, capsys) -> None:
    assert run(capsys)[0] == 2  # no command
    assert run(capsys, "check", "--output-format", "xml")[0] == 2
    assert run(capsys, "check", "--bogus")[0] == 2
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("djvet ")


# -- terminal niceties -----------------------------------------------------------------
def test_terminal_summary_with_counts_fixable_and_time(
    project: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(cli, "_is_terminal", lambda stream: stream is sys.stdout)
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "check", *ONLY, "--unsafe-fixes")
    lines = out.splitlines()
    assert code == 1
    assert "1  DJV201  debug-enabled" in lines
    found = next(line for line in lines if line.startswith("Found"))
    assert found.startswith("Found 1 finding in ") and found.endswith("s).")
    assert "[*] 1 fixable with `djvet check --fix --unsafe-fixes`." in lines


def test_no_progress_or_summary_for_machine_formats_on_a_terminal(
    project: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(cli, "_is_terminal", lambda stream: True)
    code, out, err = run(capsys, "check", *ONLY, "--output-format", "json")
    assert code == 1 and json.loads(out) and err == ""


def test_progress_line_after_the_delay() -> None:
    stream = io.StringIO()
    progress = cli._Progress(stream, delay=0.0)
    progress(1, 3)
    progress(3, 3)
    progress.clear()
    text = stream.getvalue()
    assert "djvet: 1/3 files, " in text and "djvet: 3/3 files, " in text
    assert text.endswith("\r\x1b[K")
    quiet = io.StringIO()
    cli._Progress(quiet, delay=60.0)(1, 3)
    assert quiet.getvalue() == ""


def test_progress_ticks_while_one_file_is_slow() -> None:
    stream = io.StringIO()
    progress = cli._Progress(stream, delay=0.0)
    progress.done, progress.total = 5, 9  # as if file 6 were still being checked
    progress.start()
    time.sleep(0.6)
    progress.clear()
    assert stream.getvalue().count("djvet: 5/9 files, ") >= 1
    assert stream.getvalue().endswith("\r\x1b[K")


def test_colors_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    assert not cli._use_color(io.StringIO())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert cli._use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._use_color(io.StringIO())


# -- rule docs -------------------------------------------------------------------------
def test_rule_docs(capsys) -> None:
    code, out, _ = run(capsys, "rule", "DJV201")
    assert code == 0 and out.startswith("# DJV201 `debug-enabled`")
    assert "## What it does" in out and "## Fix safety" in out
    assert run(capsys, "rule", "debug-enabled")[1] == out
    assert run(capsys, "rule", "djv201")[1] == out
    code, _, err = run(capsys, "rule", "DJV2001")
    assert code == 2 and "unknown rule 'DJV2001'" in err


def test_rules_table_and_json(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("DJV201"))
    assert "debug-enabled" in row and "yes" in row
    code, out, _ = run(capsys, "rules", "--output-format", "json")
    entry = next(r for r in json.loads(out) if r["code"] == "DJV201")
    assert (
        entry["name"] == "debug-enabled"
        and entry["family"] == "security"
        and entry["fix"] == "always"
    )


# -- the real command ------------------------------------------------------------------
def test_python_m_djvet_check(project: Path) -> None:
    server = Path(__file__).resolve().parent.parent / "server"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(server), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "djvet", "check", *ONLY, "--output-format", "json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert [f["code"] for f in json.loads(done.stdout)] == ["DJV201"]
    assert checker.MAX_FIX_PASSES == 10


def test_every_check_option_is_documented() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(
        encoding="utf-8"
    )
    check = argparse.ArgumentParser()
    cli._check_parser(check)
    options = [
        s
        for action in check._actions
        for s in action.option_strings
        if s.startswith("--")
    ]
    assert options and "--stdin-filename" in options
    missing = [o for o in options if o != "--help" and f"`{o}" not in docs]
    assert not missing, f"document {missing} in docs/cli.md"
