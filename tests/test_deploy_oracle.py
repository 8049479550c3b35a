"""djvet's security settings rules against Django's own `check --deploy`.

A secure baseline settings module passes `manage.py check --deploy` with no message and
gives no djvet finding. Each variant turns one thing insecure (or changes it in a way
that must stay clean). One subprocess runs Django's real deployment checks on every
variant (`run_checks(include_deployment_checks=True, tags=["security"])`, the settings
reloaded between variants); djvet checks the same files statically. For every variant the
Django check ids must map exactly onto djvet's findings — each djvet finding names the
check it mirrors — except for the documented differences listed with the variants:
what djvet adds (a `'*'` host, CORS, password validators and hashers) and what it
deliberately leaves to Django (`SAMEORIGIN`, an absent `SECRET_KEY`, hosts read from
the environment).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from djvet.checker import Result, _fix_file
from djvet.core.config import Config
from djvet.core.model import Applicability
from djvet.engine import check_document
from djvet.project.index import ProjectIndex

# Django check id -> the djvet rule that mirrors it.
MAPPING = {
    "security.W001": "DJV208",
    "security.W002": "DJV210",
    "security.W003": "DJV209",
    "security.W004": "DJV204",
    "security.W005": "DJV204",
    "security.W021": "DJV204",
    "security.W006": "DJV211",
    "security.W008": "DJV205",
    "security.W009": "DJV202",
    "security.W025": "DJV202",
    "security.W010": "DJV206",
    "security.W011": "DJV206",
    "security.W012": "DJV206",
    "security.W013": "DJV206",
    "security.W014": "DJV206",
    "security.W015": "DJV206",
    "security.W016": "DJV207",
    "security.W018": "DJV201",
    "security.W019": "DJV210",
    "security.W020": "DJV203",
    "security.W022": "DJV212",
    "security.E023": "DJV212",
    "security.E024": "DJV212",
}
CODES = (
    "DJV201",
    "DJV202",
    "DJV203",
    "DJV204",
    "DJV205",
    "DJV206",
    "DJV207",
    "DJV208",
    "DJV209",
    "DJV210",
    "DJV211",
    "DJV212",
    "DJV213",
    "DJV228",
    "DJV230",
)
STRONG_KEY = "q8#Zr!m2@Lx7$Vn4%Tb1^Wc6&Ys3*Hd9(Pf5)Jg0_Kk2+Ee8=Uu1"

SECURITY = "django.middleware.security.SecurityMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
XFRAME = "django.middleware.clickjacking.XFrameOptionsMiddleware"
VALIDATORS = "".join(
    f'    {{"NAME": "django.contrib.auth.password_validation.{name}"}},\n'
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
)

# The secure baseline, setting by setting, in source order.
BASELINE: dict[str, str] = {
    "DEBUG": "False",
    "SECRET_KEY": 'os.environ["DJANGO_SECRET_KEY"]',
    "ALLOWED_HOSTS": '["example.com"]',
    "INSTALLED_APPS": '["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]',
    "MIDDLEWARE": "[\n"
    + "".join(f'    "{m}",\n' for m in (SECURITY, SESSION, COMMON, CSRF, AUTH, XFRAME))
    + "]",
    "ROOT_URLCONF": '"oracle_urls"',
    "DATABASES": '{"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}',
    "DEFAULT_AUTO_FIELD": '"django.db.models.BigAutoField"',
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
    "SECURE_SSL_REDIRECT": "True",
    "SESSION_COOKIE_SECURE": "True",
    "CSRF_COOKIE_SECURE": "True",
    "AUTH_PASSWORD_VALIDATORS": "[\n" + VALIDATORS + "]",
}
DROP = None  # a variant value that removes the setting


@dataclass
class Variant:
    name: str
    changes: dict[str, str | None] = field(default_factory=dict)
    without_middleware: tuple[str, ...] = ()
    # Documented differences: djvet findings Django has no check for, and Django
    # messages djvet deliberately does not repeat.
    djvet_only: frozenset[str] = frozenset()
    django_only: frozenset[str] = frozenset()
    base: dict[str, str] | None = None  # split settings: these go to base.py instead

    def source(self) -> str:
        values = {**BASELINE, **self.changes}
        if self.without_middleware and values.get("MIDDLEWARE"):
            kept = [
                m
                for m in (SECURITY, SESSION, COMMON, CSRF, AUTH, XFRAME)
                if m not in self.without_middleware
            ]
            values["MIDDLEWARE"] = "[\n" + "".join(f'    "{m}",\n' for m in kept) + "]"
        lines = ["import os", ""]
        lines += [
            f"{name} = {value}" for name, value in values.items() if value is not DROP
        ]
        return "\n".join(lines) + "\n"


def v(
    name: str,
    *,
    without: tuple[str, ...] = (),
    djvet_only: tuple[str, ...] = (),
    django_only: tuple[str, ...] = (),
    base: dict[str, str] | None = None,
    **changes: str | None,
) -> Variant:
    return Variant(
        name, changes, without, frozenset(djvet_only), frozenset(django_only), base
    )


VARIANTS = [
    v("baseline"),
    # DEBUG
    v("debug-true", DEBUG="True"),
    v(
        "debug-env-default-true",
        DEBUG='os.environ.get("ORACLE_DEBUG", "True") == "True"',
    ),
    v(
        "debug-env-default-false",
        DEBUG='os.environ.get("ORACLE_DEBUG", "False") == "True"',
    ),
    # SECRET_KEY, SECRET_KEY_FALLBACKS
    v(
        "secret-insecure-prefix",
        SECRET_KEY='"django-insecure-' + "k" * 20 + 'abcdefghijklmnopqrstuvwxyz"',
    ),
    v("secret-short", SECRET_KEY='"short-but-random-7Gq!"'),
    v("secret-few-characters", SECRET_KEY='"' + "ab" * 30 + '"'),
    v(
        "secret-env-default-weak",
        SECRET_KEY='os.environ.get("ORACLE_SECRET_KEY", "dev-only-key")',
    ),
    v("secret-strong-literal", SECRET_KEY=repr(STRONG_KEY), djvet_only=("DJV202",)),
    v("secret-missing", SECRET_KEY=DROP, django_only=("security.W009",)),
    v("fallbacks-weak", SECRET_KEY_FALLBACKS='["old-key"]'),
    v(
        "fallbacks-from-env",
        SECRET_KEY_FALLBACKS='[k for k in os.environ.get("ORACLE_OLD", "").split(",") if k]',
    ),
    # ALLOWED_HOSTS
    v("hosts-empty", ALLOWED_HOSTS="[]"),
    v("hosts-missing", ALLOWED_HOSTS=DROP),
    v("hosts-wildcard", ALLOWED_HOSTS='["*"]', djvet_only=("DJV203",)),
    v(
        "hosts-env-default-wildcard",
        ALLOWED_HOSTS='os.environ.get("ORACLE_HOSTS", "*").split(",")',
        djvet_only=("DJV203",),
    ),
    v(
        "hosts-env-empty-split",
        ALLOWED_HOSTS='os.environ.get("ORACLE_HOSTS", "").split(",")',
    ),
    v(
        "hosts-env-filtered",
        ALLOWED_HOSTS='[h for h in os.environ.get("ORACLE_HOSTS", "").split(",") if h]',
        django_only=("security.W020",),
    ),
    # HSTS
    v("hsts-missing", SECURE_HSTS_SECONDS=DROP),
    v("hsts-zero", SECURE_HSTS_SECONDS="0"),
    v(
        "hsts-env-default-zero",
        SECURE_HSTS_SECONDS='int(os.environ.get("ORACLE_HSTS", "0"))',
    ),
    v("hsts-arithmetic", SECURE_HSTS_SECONDS="60 * 60 * 24 * 365"),
    v(
        "hsts-missing-no-flags",
        SECURE_HSTS_SECONDS=DROP,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=DROP,
        SECURE_HSTS_PRELOAD=DROP,
    ),
    v("hsts-subdomains-missing", SECURE_HSTS_INCLUDE_SUBDOMAINS=DROP),
    v("hsts-preload-false", SECURE_HSTS_PRELOAD="False"),
    v(
        "hsts-silenced",
        SECURE_HSTS_SECONDS=DROP,
        SILENCED_SYSTEM_CHECKS='["security.W004"]',
    ),
    # SSL redirect
    v("ssl-redirect-false", SECURE_SSL_REDIRECT="False"),
    v("ssl-redirect-missing", SECURE_SSL_REDIRECT=DROP),
    v(
        "ssl-redirect-conditional",
        SECURE_SSL_REDIRECT='True\nif os.environ.get("ORACLE_PLAIN_HTTP"):\n'
        "    SECURE_SSL_REDIRECT = False",
    ),
    # Session cookie
    v("session-secure-missing", SESSION_COOKIE_SECURE=DROP),
    v(
        "session-secure-env-default-false",
        SESSION_COOKIE_SECURE='os.environ.get("ORACLE_SECURE", "False") == "True"',
    ),
    v(
        "session-secure-env-default-true",
        SESSION_COOKIE_SECURE='os.environ.get("ORACLE_SECURE", "True") == "True"',
    ),
    v("session-httponly-false", SESSION_COOKIE_HTTPONLY="False"),
    v("session-httponly-app-only", SESSION_COOKIE_HTTPONLY="False", without=(SESSION,)),
    v(
        "session-httponly-middleware-only",
        SESSION_COOKIE_HTTPONLY="False",
        INSTALLED_APPS='["django.contrib.auth", "django.contrib.contenttypes"]',
    ),
    v("session-app-only", SESSION_COOKIE_SECURE="False", without=(SESSION,)),
    v(
        "session-middleware-only",
        SESSION_COOKIE_SECURE="False",
        INSTALLED_APPS='["django.contrib.auth", "django.contrib.contenttypes"]',
    ),
    v(
        "session-not-used",
        SESSION_COOKIE_SECURE="False",
        without=(SESSION,),
        INSTALLED_APPS='["django.contrib.auth", "django.contrib.contenttypes"]',
    ),
    # CSRF cookie
    v("csrf-secure-missing", CSRF_COOKIE_SECURE=DROP),
    v(
        "csrf-secure-false-with-sessions",
        CSRF_COOKIE_SECURE="False",
        CSRF_USE_SESSIONS="True",
    ),
    # Middleware
    v("no-security-middleware", without=(SECURITY,)),
    v(
        "no-security-middleware-no-hsts",
        without=(SECURITY,),
        SECURE_HSTS_SECONDS=DROP,
        SECURE_SSL_REDIRECT=DROP,
        SECURE_CONTENT_TYPE_NOSNIFF="False",
    ),
    v("no-csrf-middleware", without=(CSRF,), CSRF_COOKIE_SECURE="False"),
    v(
        "no-xframe-middleware",
        without=(XFRAME,),
        X_FRAME_OPTIONS='"ALLOW-FROM https://a.example"',
    ),
    v("no-middleware-setting", MIDDLEWARE=DROP),
    v(
        "middleware-appended",
        MIDDLEWARE='["django.middleware.common.CommonMiddleware"]\n'
        f'MIDDLEWARE.insert(0, "{SECURITY}")\n'
        f'MIDDLEWARE += ["{SESSION}", "{CSRF}", "{XFRAME}"]',
    ),
    # X_FRAME_OPTIONS
    v("xframe-allow-from", X_FRAME_OPTIONS='"ALLOW-FROM https://a.example"'),
    v(
        "xframe-sameorigin",
        X_FRAME_OPTIONS='"SAMEORIGIN"',
        django_only=("security.W019",),
    ),
    # nosniff, referrer and opener policies
    v("nosniff-false", SECURE_CONTENT_TYPE_NOSNIFF="False"),
    v("referrer-none", SECURE_REFERRER_POLICY="None"),
    v("referrer-typo", SECURE_REFERRER_POLICY='"no-referer"'),
    v("referrer-list-invalid", SECURE_REFERRER_POLICY='["origin", "same-orign"]'),
    v(
        "referrer-list-valid",
        SECURE_REFERRER_POLICY='"no-referrer, strict-origin-when-cross-origin"',
    ),
    v("coop-invalid", SECURE_CROSS_ORIGIN_OPENER_POLICY='"same-site"'),
    v("coop-none", SECURE_CROSS_ORIGIN_OPENER_POLICY="None"),
    # What Django does not check
    v("cors-allow-all", CORS_ALLOW_ALL_ORIGINS="True", djvet_only=("DJV213",)),
    v("cors-old-name", CORS_ORIGIN_ALLOW_ALL="True", djvet_only=("DJV213",)),
    v("validators-missing", AUTH_PASSWORD_VALIDATORS=DROP, djvet_only=("DJV228",)),
    v(
        "validators-short-minimum",
        djvet_only=("DJV228",),
        AUTH_PASSWORD_VALIDATORS=(
            '[{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",'
            ' "OPTIONS": {"min_length": 6}}]'
        ),
    ),
    v(
        "hasher-md5-first",
        djvet_only=("DJV230",),
        PASSWORD_HASHERS='["django.contrib.auth.hashers.MD5PasswordHasher"]',
    ),
    v(
        "hasher-md5-kept-for-upgrades",
        PASSWORD_HASHERS=(
            '["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]'
        ),
    ),
    # Split settings: production.py star-imports base.py
    v(
        "split-insecure-base",
        base={"SESSION_COOKIE_SECURE": "False", "SECURE_HSTS_PRELOAD": "False"},
    ),
    v(
        "split-base-overridden",
        base={"DEBUG": "True", "SECURE_SSL_REDIRECT": "False"},
        DEBUG="False",
        SECURE_SSL_REDIRECT="True",
    ),
]


def _write(root: Path, package: str, variant: Variant) -> str:
    """Write a variant's settings; returns its DJANGO_SETTINGS_MODULE."""
    folder = root / package
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    if variant.base is None:
        (folder / "settings.py").write_text(variant.source())
        return f"{package}.settings"
    folder = folder / "settings"  # split settings live in a settings package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "base.py").write_text(Variant("base", dict(variant.base)).source())
    lines = ["from .base import *  # noqa: F403", ""]
    lines += [
        f"{name} = {value}"
        for name, value in variant.changes.items()
        if value is not DROP
    ]
    (folder / "production.py").write_text("\n".join(lines) + "\n")
    return f"{package}.settings.production"


DJANGO_SCRIPT = textwrap.dedent("""
    import json, os, sys
    import django
    from django.conf import settings
    from django.core.checks import run_checks
    from django.core.management import call_command
    from django.utils.functional import empty

    cases = json.loads(sys.argv[1])
    results = {}
    for index, (name, module, variables) in enumerate(cases):
        for key in [k for k in os.environ if k.startswith("ORACLE_")]:
            del os.environ[key]
        os.environ.update(variables)
        os.environ["DJANGO_SETTINGS_MODULE"] = module
        settings._wrapped = empty
        if index == 0:
            django.setup()
            # The baseline must pass the whole `check --deploy`, not only the security tag.
            call_command("check", "--deploy", "--fail-level", "DEBUG")
        messages = run_checks(include_deployment_checks=True, tags=["security"])
        results[name] = sorted({m.id for m in messages if not m.is_silenced()})
    print(json.dumps(results))
""")


@dataclass
class Outcome:
    django_ids: set[str]  # Django's messages on the variant
    found: list  # djvet's findings on the variant
    fixable: set[str]  # Django checks djvet has a (verified) fix for
    django_ids_after_fix: set[str]  # Django's messages once djvet's fixes are applied
    found_after_fix: list


@pytest.fixture(scope="module")
def oracle(tmp_path_factory) -> dict[str, Outcome]:
    root = tmp_path_factory.mktemp("oracle")
    (root / "oracle_urls.py").write_text("urlpatterns = []\n")
    cases, roots, fixable = [], {}, {}
    for number, variant in enumerate(VARIANTS):
        project, fixed = root / f"project{number}", root / f"fixed{number}"
        cases.append(
            (variant.name, _write(project, f"oraclesite{number}", variant), {})
        )
        # The same settings, with every djvet fix (unsafe ones included) applied; a fixed
        # `SECRET_KEY` reads the variable of its old environment default, which the
        # deployment now sets.
        cases.append(
            (
                f"{variant.name}/fixed",
                _write(fixed, f"oraclefixed{number}", variant),
                {"ORACLE_SECRET_KEY": STRONG_KEY},
            )
        )
        fixable[variant.name] = _apply_fixes(fixed)
        roots[variant.name] = (project, fixed)
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ORACLE_"))
    }
    environment["DJANGO_SECRET_KEY"] = STRONG_KEY
    paths = [str(p) for pair in roots.values() for p in pair]
    environment["PYTHONPATH"] = os.pathsep.join([str(root), *paths])
    completed = subprocess.run(
        [sys.executable, "-c", DJANGO_SCRIPT, json.dumps(cases)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    ids = json.loads(completed.stdout.strip().splitlines()[-1])
    return {
        name: Outcome(
            set(ids[name]),
            _djvet(project),
            fixable[name],
            set(ids[f"{name}/fixed"]),
            _djvet(fixed),
        )
        for name, (project, fixed) in roots.items()
    }


def _project(root: Path) -> ProjectIndex:
    return ProjectIndex(root, Config(root=root, select=CODES))


def _djvet(root: Path) -> list:
    project = _project(root)
    found = []
    for path in project.python_files():
        found.extend(
            check_document(project.document(path), project, verify_fixes=False)
        )
    return found


def _apply_fixes(root: Path) -> set[str]:
    """Apply djvet's fixes to every file; returns the Django checks that had one."""
    project = _project(root)
    fixable = set()
    for path in project.python_files():
        for diagnostic in check_document(project.document(path), project):
            if diagnostic.fix is not None and diagnostic.extra.get("django_check"):
                fixable.add(diagnostic.extra["django_check"])
    for path in project.python_files():
        _fix_file(project, project.document(path), Applicability.UNSAFE, Result())
    return fixable


def test_baseline_passes_django_and_djvet(oracle):
    outcome = oracle["baseline"]
    assert outcome.django_ids == set()
    assert [(d.code, d.message) for d in outcome.found] == []


@pytest.mark.parametrize("variant", VARIANTS[1:], ids=lambda variant: variant.name)
def test_djvet_agrees_with_check_deploy(oracle, variant):
    outcome = oracle[variant.name]
    found = [(d.code, d.message) for d in outcome.found]
    assert variant.django_only <= outcome.django_ids, (
        "a documented Django-only message disappeared"
    )
    expected_ids = outcome.django_ids - variant.django_only
    assert {d.extra.get("django_check") for d in outcome.found} - {
        None
    } == expected_ids, found
    expected_codes = {MAPPING[i] for i in expected_ids} | variant.djvet_only
    assert {d.code for d in outcome.found} == expected_codes, found
    assert all(
        len(d.message) <= 100 and not d.message.endswith(".") for d in outcome.found
    ), found


@pytest.mark.parametrize("variant", VARIANTS[1:], ids=lambda variant: variant.name)
def test_djvet_fixes_satisfy_check_deploy(oracle, variant):
    """Where djvet offers a fix, Django no longer complains once it is applied, and the
    fixed settings keep no djvet finding that had a fix."""
    outcome = oracle[variant.name]
    assert outcome.fixable & outcome.django_ids_after_fix == set()
    assert not [
        (d.code, d.message) for d in outcome.found_after_fix if d.fix is not None
    ]


def test_every_mapped_check_is_exercised(oracle):
    """Each Django security check in the mapping fires in at least one variant."""
    seen = set().union(*(outcome.django_ids for outcome in oracle.values()))
    assert set(MAPPING) - seen == set()
