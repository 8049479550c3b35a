"""The static settings analysis: environments, production views, import chains, values."""

from __future__ import annotations

import textwrap

import pytest

from djvet.engine import check_document
from djvet.project.settings import (
    BASE,
    DEVELOPMENT,
    PRODUCTION,
    TEST,
    UNKNOWN,
    EffectiveSettings,
    production_settings_for,
    settings_index,
)
from rules.harness import check_fixed, make_project

APPS = 'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]\n'


def project(
    tmp_path, files: dict[str, str], config: dict | None = None, select=("DJV2",)
):
    files = {path: textwrap.dedent(text) for path, text in files.items()}
    return make_project(tmp_path, files, select, config)


def environments(tmp_path, files, config=None) -> dict[str, str]:
    index = settings_index(project(tmp_path, files, config))
    return {m.dotted: m.environment for m in index.modules.values()}


def view(
    tmp_path, source: str, *, path: str = "mysite/settings.py", files=None
) -> EffectiveSettings:
    """The production view of a single settings module (plus `files`)."""
    index = project(tmp_path, {**(files or {}), path: source})
    [settings] = production_settings_for(index, str(tmp_path / path))
    return settings


def value(tmp_path, source: str, name: str, **kwargs):
    return view(tmp_path, APPS + textwrap.dedent(source), **kwargs).value(
        name, "<missing>"
    )


# -- environments ----------------------------------------------------------------------
def test_environment_by_module_name(tmp_path):
    files = {
        f"config/settings/{name}.py": "from .base import *\nDEBUG = False\n"
        for name in (
            "production",
            "staging",
            "dev",
            "local",
            "test",
            "ci",
            "settings_heroku",
        )
    }
    files["config/settings/base.py"] = APPS
    assert environments(tmp_path, files) == {
        "config.settings.base": BASE,
        "config.settings.production": PRODUCTION,
        "config.settings.staging": PRODUCTION,
        "config.settings.settings_heroku": PRODUCTION,
        "config.settings.dev": DEVELOPMENT,
        "config.settings.local": DEVELOPMENT,
        "config.settings.test": TEST,
        "config.settings.ci": TEST,
    }


def test_environment_by_folder(tmp_path):
    files = {
        "tests/settings.py": APPS,
        "testproject/settings.py": APPS,
        "example/settings.py": APPS,
        "mysite/settings.py": APPS,
    }
    assert environments(tmp_path, files) == {
        "tests.settings": TEST,
        "testproject.settings": TEST,
        "example.settings": DEVELOPMENT,
        "mysite.settings": BASE,
    }


def test_environment_by_configuration_wins(tmp_path):
    files = {
        "config/settings/base.py": APPS,
        "config/settings/docker.py": "from .base import *\n",
        "config/settings/local.py": "from .base import *\n",
    }
    config = {
        "settings-modules": {
            "production": ["config.settings.docker"],
            "test": ["config/settings/local.py"],
        }
    }
    found = environments(tmp_path, files, config)
    assert found["config.settings.docker"] == PRODUCTION
    assert found["config.settings.local"] == TEST


def test_environment_by_wsgi_settings_module(tmp_path):
    files = {
        "mysite/settings.py": APPS,
        "mysite/settings_docker.py": "from .settings import *\n",
        "mysite/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
    }
    found = environments(tmp_path, files)
    assert found == {"mysite.settings": PRODUCTION, "mysite.settings_docker": BASE}


# -- which modules production runs ------------------------------------------------------
def views(tmp_path, files) -> list[str]:
    return sorted(
        m.dotted for m in settings_index(project(tmp_path, files)).production_views()
    )


def test_production_views_of_split_settings(tmp_path):
    files = {"config/settings/base.py": APPS}
    for name in ("production", "development", "test"):
        files[f"config/settings/{name}.py"] = "from .base import *\n"
    assert views(tmp_path, files) == ["config.settings.production"]


def test_base_with_only_development_children_is_not_a_view(tmp_path):
    files = {
        "config/settings/base.py": APPS,
        "config/settings/dev.py": "from .base import *\n",
    }
    assert views(tmp_path, files) == []


def test_settings_py_with_development_override_is_the_production_view(tmp_path):
    files = {
        "mysite/settings.py": APPS,
        "mysite/settings_dev.py": "from .settings import *\nDEBUG = True\n",
    }
    assert views(tmp_path, files) == ["mysite.settings"]


def test_a_view_building_on_another_view_leaves_gaps_to_it(tmp_path):
    files = {
        "web/settings.py": APPS,
        "worker/settings.py": "from web.settings import *\n",
        "web/wsgi.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")\n',
    }
    index = project(tmp_path, files)
    [worker] = production_settings_for(index, str(tmp_path / "worker/settings.py"))
    assert worker.inherits_view and worker.chain[0].endswith("web/settings.py")


# -- imports -----------------------------------------------------------------------------
def test_star_import_chain_and_override(tmp_path):
    files = {
        "config/settings/common.py": APPS + "DEBUG = True\nTIMEOUT = 5\n",
        "config/settings/base.py": "from .common import *\nTIMEOUT = TIMEOUT * 2\n",
        "config/settings/production.py": "from config.settings.base import *\nDEBUG = False\n",
    }
    index = project(tmp_path, files)
    [settings] = production_settings_for(
        index, str(tmp_path / "config/settings/common.py")
    )
    assert [p.rsplit("/", 1)[-1] for p in settings.chain] == [
        "common.py",
        "base.py",
        "production.py",
    ]
    assert settings.value("DEBUG") is False and settings.value("TIMEOUT") == 10
    assert settings.get("DEBUG").path.endswith("production.py")
    assert settings.get("TIMEOUT").path.endswith("base.py")


def test_star_import_runs_where_it_stands(tmp_path):
    files = {"config/settings/local.py": "DEBUG = True\n"}
    source = "DEBUG = False\nfrom .local import *\n"
    assert (
        value(
            tmp_path, source, "DEBUG", path="config/settings/production.py", files=files
        )
        is True
    )


def test_explicit_import_and_parent_package(tmp_path):
    files = {"config/common.py": APPS + "SECRET_KEY = 'k'\nOTHER = 1\n"}
    settings = view(
        tmp_path,
        "from ..common import SECRET_KEY as SECRET_KEY\nDEBUG = False\n",
        path="config/settings/production.py",
        files=files,
    )
    assert settings.value("SECRET_KEY") == "k" and not settings.is_set("OTHER")


def test_optional_local_settings_are_conditional(tmp_path):
    files = {"mysite/local_settings.py": "DEBUG = True\nSECURE_SSL_REDIRECT = False\n"}
    source = (
        APPS
        + "DEBUG = False\ntry:\n    from .local_settings import *\nexcept ImportError:\n    pass\n"
    )
    settings = view(tmp_path, source, files=files)
    assert (
        not settings.get("DEBUG").known
        and settings.get("SECURE_SSL_REDIRECT").conditional
    )
    assert settings.complete


def test_unreadable_star_import_makes_gaps_unknown(tmp_path):
    assert not view(tmp_path, APPS + "from some_package.defaults import *\n").complete
    assert view(
        tmp_path, APPS + "if False:\n    from some_package.defaults import *\n"
    ).complete
    assert not view(tmp_path, APPS + "globals().update(load())\n").complete
    # a fragment
    assert not view(tmp_path, "DATABASES = {}\nROOT_URLCONF = 'x'\n").complete


def test_import_cycle_does_not_hang(tmp_path):
    files = {"config/settings/a.py": "from .production import *\nA = 1\n"}
    settings = view(
        tmp_path,
        APPS + "from .a import *\nB = 2\n",
        path="config/settings/production.py",
        files=files,
    )
    assert settings.value("A") == 1 and settings.value("B") == 2


# -- values ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("X = 60 * 60 * 24 * 365", 31536000),
        ("X = -5 + 2", -3),
        ("Y = 3\nX = Y // 2", 1),
        ('X = "django-insecure-" + "abc"', "django-insecure-abc"),
        ("DEBUG = False\nX = not DEBUG", True),
        ('X = {"a": [1, 2], "b": {"c": 60 * 2}}', {"a": [1, 2], "b": {"c": 120}}),
        ('A = ["a"]\nX = [*A, "b"]', ["a", "b"]),
        ('X = ("a",) + ("b",)', ("a", "b")),
        ('X = "yes" if 1 > 2 else "no"', "no"),
        ('X = [h.strip() for h in " a , b ,".split(",") if h.strip()]', ["a", "b"]),
        ("X = open('f').read()", UNKNOWN),
        ("X = f'{Y}'", UNKNOWN),
        ("X = [x for x in range(3)]", UNKNOWN),
    ],
)
def test_expressions(tmp_path, source, expected):
    assert value(tmp_path, source, "X") == expected


@pytest.mark.parametrize(
    ("source", "expected", "var"),
    [
        ('X = os.environ.get("V", "True") == "True"', True, "V"),
        ('X = os.environ.get("V", "false").lower() in ("1", "true")', False, "V"),
        ('X = os.getenv("V")', None, "V"),
        ('X = os.environ["V"]', UNKNOWN, "V"),
        ('X = int(os.environ.get("V", "3600"))', 3600, "V"),
        ('X = os.environ.get("V", "a,b").split(",")', ["a", "b"], "V"),
        ('X = bool(strtobool(os.environ.get("V") or "False"))', False, "V"),
        ('X = env.bool("V", default=True)', True, "V"),
        ('X = env.int("V", 30)', 30, "V"),
        ('X = env.list("V", default=["*"])', ["*"], "V"),
        (
            'X = env.list("V", str, ["a"])',
            ["a"],
            "V",
        ),  # django-environ: cast, then default
        ('X = env.list("V", ["*"])', ["*"], "V"),  # environs: the default
        ('X = env("V", default="x")', "x", "V"),
        ('X = env("V")', UNKNOWN, "V"),
        ('X = config("V", default="False", cast=bool)', False, "V"),
        ('X = config("V", default="a, b", cast=Csv())', ["a", "b"], "V"),
        ('X = config("V", False)', False, "V"),
    ],
)
def test_environment_defaults(tmp_path, source, expected, var):
    settings = view(tmp_path, APPS + source + "\n")
    setting = settings.get("X")
    assert setting.value == expected and setting.from_env and setting.env_var == var


def test_django_environ_scheme_and_local_helpers(tmp_path):
    source = """\
        import environ
        env = environ.Env(DEBUG=(bool, True), HOSTS=(list, []))
        DEBUG = env("DEBUG")
        ALLOWED_HOSTS = env("HOSTS")

        def envbool(name, default):
            return os.getenv(name, default) == "True"

        def envint(name, default):
            return int(os.getenv(name, default))

        SECURE = envbool("SECURE", "False")
        HSTS = envint("HSTS", "60")
    """
    settings = view(tmp_path, APPS + textwrap.dedent(source))
    assert settings.value("DEBUG") is True and settings.value("ALLOWED_HOSTS") == []
    assert settings.value("SECURE") is False and settings.value("HSTS") == 60
    assert settings.get("SECURE").env_var == "SECURE"


def test_names_carry_the_environment(tmp_path):
    settings = view(
        tmp_path, APPS + 'HTTPS = os.environ.get("HTTPS", "") == "on"\nSECURE = HTTPS\n'
    )
    assert settings.get("SECURE").from_env and settings.get("SECURE").env_var == "HTTPS"


# -- lists ---------------------------------------------------------------------------------
def test_list_changes(tmp_path):
    source = """\
        M = ["b"]
        M += ["c"]
        M.insert(0, "a")
        M.append("d")
        M.extend(["e", "f"])
        M.remove("f")
        T = ("x",)
        T += ("y",)
    """
    settings = view(tmp_path, APPS + textwrap.dedent(source))
    assert settings.value("M") == ["a", "b", "c", "d", "e"] and settings.value("T") == (
        "x",
        "y",
    )
    assert settings.get("M").known


def test_conditional_list_changes_keep_the_rest_known(tmp_path):
    source = """\
        DEBUG = os.environ.get("DEBUG") == "1"
        M = ["a", "b"]
        if DEBUG:
            M.insert(0, "toolbar")
            M.remove("b")
        for plugin in load_plugins():
            APPS_X = plugin
        L = ["x"]
        for plugin in load_plugins():
            L.append(plugin)
        R = ["p", "q"]
        if DEBUG:
            R = ["p", "debug"]
    """
    settings = view(tmp_path, APPS + textwrap.dedent(source))
    m, lst, r = settings.get("M"), settings.get("L"), settings.get("R")
    assert (
        m.contains("a"),
        m.contains("b"),
        m.contains("toolbar"),
        m.contains("zzz"),
    ) == (True, None, None, False)
    assert not m.known
    assert (lst.contains("x"), lst.contains("y")) == (True, None)
    assert (r.contains("p"), r.contains("q"), r.contains("debug")) == (True, None, None)
    assert settings.get("APPS_X").conditional


# -- conditions ----------------------------------------------------------------------------
def test_conditions_decided_without_the_environment(tmp_path):
    source = """\
        DEBUG = False
        if DEBUG:
            A = "dev"
        elif 1 + 1 == 2:
            A = "prod"
        else:
            A = "never"
        if True:
            B = 1
        with open("f") as handle:
            C = 1
        try:
            D = 1
        except Exception:
            D = 2
        finally:
            E = 1
    """
    settings = view(tmp_path, APPS + textwrap.dedent(source))
    assert settings.value("A") == "prod" and settings.get("A").known
    assert (
        settings.get("B").known and settings.get("C").known and settings.get("E").known
    )
    assert settings.get("D").conditional


def test_conditions_on_the_environment_are_uncertain(tmp_path):
    source = """\
        DEBUG = os.environ.get("DEBUG", "False") == "True"
        SSL = True
        if DEBUG:
            SSL = False
        if not DEBUG:
            HSTS = 3600
        if value := os.getenv("X"):
            WALRUS = value
        SAME = 1
        if DEBUG:
            SAME = 1
    """
    settings = view(tmp_path, APPS + textwrap.dedent(source))
    assert not settings.get("SSL").known and settings.get("HSTS").conditional
    assert settings.get("WALRUS").conditional
    assert settings.get("SAME").known  # both paths give the same value


def test_silenced_checks(tmp_path):
    settings = view(tmp_path, APPS + 'SILENCED_SYSTEM_CHECKS = ["security.W004"]\n')
    assert settings.silenced("security.W004") and not settings.silenced("security.W005")


# -- the rules on top of the analysis --------------------------------------------------------
SPLIT = {
    "config/settings/base.py": APPS
    + textwrap.dedent("""\
        MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
        SECURE_SSL_REDIRECT = False
        SESSION_COOKIE_SECURE = False
        DEBUG = True
    """),
    "config/settings/production.py": "from .base import *\nDEBUG = False\nSECURE_HSTS_SECONDS = 0\n",
    "config/settings/development.py": "from .base import *\nSECRET_KEY = 'dev'\nALLOWED_HOSTS = ['*']\n",
    "config/settings/test.py": "from .base import *\nPASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n",
}


def findings(tmp_path, files, path, select=("DJV2",)):
    index = project(tmp_path, files, select=select)
    document = index.document(str(tmp_path / path))
    return sorted(
        (d.span.start_line + 1, d.code, d.extra.get("django_check"))
        for d in check_document(document, index, verify_fixes=False)
    )


def test_values_wrong_in_base_are_reported_in_base_unless_overridden(tmp_path):
    # DEBUG = True (line 5) is overridden by production.py; CSRF cookie checks need the
    # CSRF middleware, which is missing.
    assert findings(tmp_path, SPLIT, "config/settings/base.py") == [
        (2, "DJV209", "security.W003"),
        (2, "DJV210", "security.W002"),
        (3, "DJV205", "security.W008"),
        (4, "DJV206", "security.W010"),
    ]


def test_missing_and_own_values_are_reported_in_production(tmp_path):
    assert findings(tmp_path, SPLIT, "config/settings/production.py") == [
        (3, "DJV203", "security.W020"),
        (3, "DJV204", "security.W004"),
        (3, "DJV228", None),
    ]


@pytest.mark.parametrize("module", ["development", "test"])
def test_development_and_test_settings_stay_clean(tmp_path, module):
    assert findings(tmp_path, SPLIT, f"config/settings/{module}.py") == []


def test_silencing_one_check_keeps_the_others_of_a_rule(tmp_path):
    source = APPS + textwrap.dedent("""\
        MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
        SECURE_HSTS_SECONDS = 3600
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    """)
    found = findings(
        tmp_path,
        {"mysite/settings.py": source},
        "mysite/settings.py",
        select=("DJV204",),
    )
    assert [check for _, _, check in found] == ["security.W005"]


def test_missing_settings_go_before_optional_local_overrides(tmp_path):
    before = APPS + textwrap.dedent("""\
        import os

        MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]

        # Local overrides keep the last word.
        try:
            from .local_settings import *
        except ImportError:
            pass
    """)
    after = before.replace(
        "\n# Local overrides",
        'SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "True") == "True"\n'
        "\n# Local overrides",
    )
    check_fixed(before, after, "DJV205", tmp_path, path="mysite/settings.py")
