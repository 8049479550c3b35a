"""Configuration: rule selection (ruff's precedence), per-file ignores, excludes,
severity overrides, validation messages, loading pyproject.toml, the project root."""

from __future__ import annotations

from pathlib import Path

import pytest

from djvet.core.config import (
    Config,
    Selection,
    find_project_root,
    load_config,
    parse_values,
    prefix_help,
    valid_prefix,
)
from djvet.core.model import Severity
from djvet.core.rule import RULES

from .conftest import write_project

# -- selection -------------------------------------------------------------------------
S = Selection


@pytest.mark.parametrize(
    ("config", "code", "expected"),
    [
        (Config(), "DJV201", True),
        (Config(select=("DJV1",)), "DJV201", False),
        (Config(select=("DJV1",)), "DJV101", True),
        (Config(select=("DJV1",), extend_select=("DJV201",)), "DJV201", True),
        (Config(ignore=("DJV201",)), "DJV201", False),
        (Config(ignore=("DJV2",)), "DJV201", False),
        (Config(ignore=("DJV2",)), "DJV101", True),
        # the more specific of select and ignore wins ...
        (Config(select=("DJV201",), ignore=("DJV2",)), "DJV201", True),
        (Config(select=("DJV2",), ignore=("DJV201",)), "DJV201", False),
        (Config(select=("DJV2",), ignore=("DJV201",)), "DJV202", True),
        # ... and a tie goes to ignore
        (Config(select=("DJV201",), ignore=("DJV201",)), "DJV201", False),
        (Config(select=("ALL",)), "DJV901", True),
        (Config(select=("ALL",), ignore=("DJV9",)), "DJV901", False),
        (Config(select=()), "DJV201", False),
        # command-line layers: `--select` starts afresh, dropping configured ignores
        (Config(ignore=("DJV201",)).with_selection(["DJV201"]), "DJV201", True),
        (Config(ignore=("DJV201",)).with_selection(["DJV2"]), "DJV201", True),
        (
            Config(extend_select=("DJV101",), select=("DJV2",)).with_selection(
                ["DJV2"]
            ),
            "DJV101",
            False,
        ),
        # ... while `--extend-select` and `--ignore` adjust what the file chose
        (Config(ignore=("DJV201",)).with_selection(None, ["DJV201"]), "DJV201", True),
        (Config(ignore=("DJV2",)).with_selection(None, ["DJV201"]), "DJV202", False),
        (Config(select=("DJV1",)).with_selection(None, ["DJV2"]), "DJV201", True),
        (Config(select=("DJV1",)).with_selection(None, ["DJV2"]), "DJV101", True),
        (Config().with_selection(None, (), ["DJV201"]), "DJV201", False),
        (Config().with_selection(None, (), ["DJV201"]), "DJV202", True),
        (Config().with_selection(["DJV2"], (), ["DJV201"]), "DJV201", False),
        (
            Config().with_selection(["djv201"]),
            "DJV201",
            True,
        ),  # codes are case-insensitive
        (
            Config(ignore=("DJV201",)).with_selection(None, (), ["DJV1"]),
            "DJV201",
            False,
        ),
        # two layers (editor settings, then a flag)
        (
            Config().with_selection(["DJV1"]).with_selection(None, ["DJV201"]),
            "DJV201",
            True,
        ),
        (
            Config().with_selection(["DJV1"]).with_selection(None, ["DJV201"]),
            "DJV202",
            False,
        ),
    ],
)
def test_is_enabled(config: Config, code: str, expected: bool) -> None:
    assert config.is_enabled(code) is expected


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (Config(), False),
        (Config(select=("ALL",)), False),
        (Config(select=("DJV2",)), False),
        (Config(select=("DJV299",)), True),
        (Config(extend_select=("DJV299",)), True),
        (Config().with_selection(None, ["DJV299"]), True),
        (Config(select=("DJV299",), ignore=("DJV299",)), False),
    ],
)
def test_rules_off_by_default_need_their_exact_code(
    config: Config, expected: bool
) -> None:
    assert config.is_enabled("DJV299", default_enabled=False) is expected


# -- paths -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("tests/*", "tests/test_views.py", True),
        ("tests/*", "app/tests/test_views.py", False),
        ("tests", "tests/a/b.py", True),
        ("tests/", "tests/a/b.py", True),
        ("./tests", "tests/a/b.py", True),
        ("**/migrations/*", "app/migrations/0001_initial.py", True),
        (
            "**/migrations/*",
            "migrations/0001_initial.py",
            True,
        ),  # `**/` may match no folder
        ("migrations", "app/migrations/0001_initial.py", True),  # no `/`: any component
        ("__init__.py", "app/sub/__init__.py", True),
        ("*.pyi", "app/stubs.pyi", True),
        ("settings/*.py", "config/settings/base.py", False),
        ("config/settings/*.py", "config/settings/base.py", True),
        ("*/settings/*.py", "config/settings/base.py", True),
        ("Tests", "tests/a.py", False),  # globs are case-sensitive, as in ruff
        ("", "a.py", False),
    ],
)
def test_per_file_ignores_patterns(pattern: str, path: str, expected: bool) -> None:
    config = Config(per_file_ignores={pattern: ("DJV2",)})
    assert config.ignored_for_path("DJV201", path) is expected
    assert config.ignored_for_path("DJV101", path) is False


@pytest.mark.parametrize(
    ("exclude", "path", "expected"),
    [
        ((), "app/views.py", False),
        ((), ".venv/lib/site.py", True),
        ((), "node_modules/x/templates/a.html", True),
        ((), "app/__pycache__/views.py", True),
        ((), "build.py", False),  # default excludes are folders, not file names
        (("examples",), "examples/bookshop/views.py", True),
        (("examples",), "docs/examples.py", False),
        (("legacy/*.py",), "legacy/old.py", True),
        (("*_pb2.py",), "app/proto/x_pb2.py", True),
    ],
)
def test_exclude(exclude: tuple[str, ...], path: str, expected: bool) -> None:
    assert Config(exclude=exclude).is_excluded(path) is expected


@pytest.mark.parametrize(
    ("severity", "code", "expected"),
    [
        ({}, "DJV201", Severity.ERROR),
        ({"DJV2": Severity.WARNING}, "DJV201", Severity.WARNING),
        ({"DJV2": Severity.WARNING, "DJV201": Severity.HINT}, "DJV201", Severity.HINT),
        ({"DJV201": Severity.HINT, "DJV2": Severity.WARNING}, "DJV201", Severity.HINT),
        (
            {"DJV2": Severity.WARNING, "DJV20": Severity.INFORMATION},
            "DJV201",
            Severity.INFORMATION,
        ),
        ({"ALL": Severity.HINT, "DJV2": Severity.WARNING}, "DJV101", Severity.HINT),
        ({"DJV1": Severity.HINT}, "DJV201", Severity.ERROR),
    ],
)
def test_severity_longest_prefix_wins(
    severity: dict[str, Severity], code: str, expected: Severity
) -> None:
    assert Config(severity=severity).severity_for(code, Severity.ERROR) is expected


# -- validation ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "changes"),
    [
        ({"select": ["DJV2", "djv1"]}, {"select": ("DJV2", "DJV1")}),
        ({"extend_select": "DJV201"}, {"extend_select": ("DJV201",)}),
        ({"ignore": []}, {"ignore": ()}),
        (
            {"per-file-ignores": {"tests/*": ["DJV2"]}},
            {"per_file_ignores": {"tests/*": ("DJV2",)}},
        ),
        ({"exclude": ["legacy"]}, {"exclude": ("legacy",)}),
        (
            {"severity": {"djv2": "warn", "DJV201": "info"}},
            {"severity": {"DJV2": Severity.WARNING, "DJV201": Severity.INFORMATION}},
        ),
        (
            {
                "settings-modules": {
                    "production": ["config.settings.prod"],
                    "test": "config.settings.test",
                }
            },
            {
                "settings_modules": {
                    "production": ("config.settings.prod",),
                    "test": ("config.settings.test",),
                }
            },
        ),
        (
            {"settings-modules": {"development": ["config/settings/local.py"]}},
            {"settings_modules": {"development": ("config/settings/local.py",)}},
        ),
        ({"python": "python3"}, {"python": "python3"}),  # a command on PATH
        ({"django-version": "4.2"}, {"django_version": (4, 2)}),
        ({"django-version": 5}, {"django_version": (5,)}),
        ({"django-version": "5.2.1"}, {"django_version": (5, 2, 1)}),
    ],
)
def test_valid_values(values: dict, changes: dict) -> None:
    assert parse_values(values, "test") == (changes, [])


@pytest.mark.parametrize(
    ("values", "names", "changes"),
    [
        ({"selct": ["DJV2"]}, "unknown key `selct`", {}),
        ({"select": 5}, "`select` must be a list", {}),
        (
            {"select": ["DJV2", "XYZ1"]},
            "`select` has unknown rule code or prefix `XYZ1`",
            {"select": ("DJV2",)},
        ),
        (
            {"ignore": ["DJV000"]},
            "`ignore` has unknown rule code or prefix `DJV000`",
            {"ignore": ()},
        ),
        ({"per-file-ignores": ["tests"]}, "`per-file-ignores` must be a table", {}),
        (
            {"per-file-ignores": {"tests/*": 3}},
            "`per-file-ignores.tests/*` must be a list",
            {"per_file_ignores": {}},
        ),
        ({"severity": "error"}, "`severity` must be a table", {}),
        (
            {"severity": {"DJV2": "loud"}},
            "`severity.DJV2`: unknown severity 'loud'",
            {"severity": {}},
        ),
        (
            {"severity": {"FOO": "error"}},
            "`severity` has unknown rule code or prefix `FOO`",
            {"severity": {}},
        ),
        ({"settings-modules": ["a"]}, "`settings-modules` must be a table", {}),
        (
            {"settings-modules": {"prod": ["a"]}},
            "`settings-modules.prod` is not one of",
            {"settings_modules": {}},
        ),
        (
            {"settings-modules": {"production": ["config/settings"]}},
            "`config/settings` is neither a dotted module name",
            {"settings_modules": {"production": ()}},
        ),
        ({"django-version": "five"}, "`django-version` must look like", {}),
        ({"python": 3}, "`python` must be the path of an interpreter", {}),
        (
            {"python": "/nonexistent/bin/python"},
            "`python`: no interpreter or virtualenv at /nonexistent/bin/python",
            {},
        ),
        ({"exclude": [1, 2]}, "`exclude` must be a list of strings", {}),
    ],
)
def test_invalid_values_name_the_key_and_fall_back(
    values: dict, names: str, changes: dict
) -> None:
    parsed, messages = parse_values(values, "pyproject.toml [tool.djvet]")
    assert parsed == changes
    assert len(messages) == 1 and names in messages[0], messages
    assert messages[0].startswith("pyproject.toml [tool.djvet]: ")


def test_python_relative_to_the_root(tmp_path: Path) -> None:
    write_project(tmp_path, {".venv/bin/python": ""})
    for value in (".venv/bin/python", ".venv"):
        config = Config(root=tmp_path).with_overrides({"python": value}, "test")
        assert config.python == value and not config.messages
    config = Config(root=tmp_path).with_overrides({"python": "venv2"}, "test")
    assert (
        config.python is None
        and "no interpreter or virtualenv at venv2" in config.messages[0]
    )


@pytest.mark.parametrize(
    ("prefix", "valid"),
    [
        ("ALL", True),
        ("all", True),
        ("DJV", True),
        ("DJV2", True),
        ("DJV9", True),
        ("DJV20", True),
        ("DJV201", True),
        ("djv201", True),
        ("DJV0", False),
        ("DJV999", False),
        ("DJV2011", False),
        ("E501", False),
        ("", False),
        ("DJ", False),
    ],
)
def test_valid_prefix(prefix: str, valid: bool) -> None:
    assert valid_prefix(prefix) is valid


def test_prefix_help_lists_families_and_suggests() -> None:
    text = prefix_help("DJV2001")
    suggestion = text.removeprefix("did you mean ").split("?")[0]
    assert suggestion in RULES and suggestion.startswith("DJV2")
    assert "DJV1 (orm)" in text and "DJV9 (tooling)" in text and "ALL" in text
    assert not prefix_help("ZZZ").startswith("did you mean")


# -- loading ---------------------------------------------------------------------------
def test_load_config_reads_the_table(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "pyproject.toml": """
        [tool.djvet]
        select = ["DJV2"]
        ignore = ["DJV201"]
        per-file-ignores = {"tests/*" = ["DJV2"]}
        severity = {DJV2 = "warning"}
        django-version = "4.2"
    """
        },
    )
    config = load_config(tmp_path)
    assert config.root == tmp_path and config.messages == ()
    assert config.select == ("DJV2",) and config.ignore == ("DJV201",)
    assert config.per_file_ignores == {"tests/*": ("DJV2",)}
    assert config.severity == {"DJV2": Severity.WARNING}
    assert config.django_version == (4, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.djvet\nselect=1", "not valid TOML"),
        ("[tool]\ndjvet = 3\n", "[tool.djvet] must be a table; using defaults"),
        ("tool = 1\n", None),
        ("[project]\nname = 'x'\n", None),
        ("[tool.djvet]\nselect = 'DJV2'\nbogus = 1\n", "unknown key `bogus`"),
    ],
)
def test_load_config_never_raises(
    tmp_path: Path, text: str, message: str | None
) -> None:
    write_project(tmp_path, {"pyproject.toml": text})
    config = load_config(tmp_path)
    if message is None:
        assert config.messages == ()
    else:
        assert len(config.messages) == 1 and message in config.messages[0]
    assert config.is_enabled("DJV201")


def test_load_config_without_pyproject(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config(root=tmp_path)


def test_load_config_from_an_explicit_file(tmp_path: Path) -> None:
    write_project(tmp_path, {"ci/djvet.toml": "[tool.djvet]\nignore = ['DJV201']\n"})
    config = load_config(tmp_path, tmp_path / "ci/djvet.toml")
    assert config.ignore == ("DJV201",) and not config.is_enabled("DJV201")


# -- the project root ------------------------------------------------------------------
DJVET = "[tool.djvet]\n"
OTHER = "[tool.black]\n"


@pytest.mark.parametrize(
    ("files", "start", "root"),
    [
        ({"site/manage.py": "", "site/app/views.py": ""}, "site/app/views.py", "site"),
        ({"site/manage.py": "", "site/app/views.py": ""}, "site/app", "site"),
        ({"repo/.git/HEAD": "", "repo/pkg/mod.py": ""}, "repo/pkg/mod.py", "repo"),
        (
            {
                "repo/pyproject.toml": OTHER,
                "repo/src/manage.py": "",
                "repo/src/app/x.py": "",
            },
            "repo/src/app/x.py",
            "repo/src",
        ),
        # a [tool.djvet] table further up wins over a nearer manage.py ...
        (
            {
                "repo/pyproject.toml": DJVET,
                "repo/src/manage.py": "",
                "repo/src/app/x.py": "",
            },
            "repo/src/app/x.py",
            "repo",
        ),
        # ... but never beyond the repository
        (
            {"pyproject.toml": DJVET, "repo/.git/HEAD": "", "repo/app/x.py": ""},
            "repo/app/x.py",
            "repo",
        ),
        (
            {"repo/pyproject.toml": "not toml [", "repo/app/x.py": ""},
            "repo/app/x.py",
            "repo",
        ),
    ],
)
def test_find_project_root(
    tmp_path: Path, files: dict[str, str], start: str, root: str
) -> None:
    write_project(tmp_path, files)
    # No marker above tmp_path may leak in: the outermost test folder gets a .git.
    (tmp_path / ".git").mkdir(exist_ok=True)
    expected = tmp_path / root
    assert find_project_root(tmp_path / start) == expected.resolve()


def test_without_any_marker_the_start_folder_is_the_root(tmp_path: Path) -> None:
    write_project(tmp_path, {"loose/x.py": ""})
    markers = ("pyproject.toml", "manage.py", ".git")
    if any(
        (folder / m).exists() for folder in tmp_path.resolve().parents for m in markers
    ):
        pytest.skip("a folder above the temporary folder holds a project marker")
    assert find_project_root(tmp_path / "loose/x.py") == (tmp_path / "loose").resolve()
