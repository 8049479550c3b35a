"""
## What it does
Flags test settings modules (`settings/test.py`, `test_settings.py`, `tests/settings.py`,
those configured as `test` in `settings-modules`, or named by `pytest.ini`, `setup.cfg`,
`tox.ini`, `pyproject.toml` or a `conftest.py`) of projects using
`django.contrib.auth` whose first `PASSWORD_HASHERS` entry is a deliberately slow
hasher — PBKDF2 (Django's default when the setting is missing), Argon2, bcrypt or
scrypt.

## Why is this bad?
Password hashers are slow on purpose: PBKDF2 runs hundreds of thousands of iterations
for every `create_user()`, `set_password()`, `login()` and `check_password()`. A test
suite that creates users in `setUp` spends most of its time hashing. Tests do not need
strong hashes; MD5 makes them several times faster.

<!-- docs-example: skip (the example is a test settings module, `settings/test.py`; the fixture has one) -->

## Example
```python
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
```

## Use instead
```python
from django.conf import global_settings

INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]
```

## Fix safety
Safe for what the settings are for: only test runs use them, and Django hashes and
checks passwords the same way with any hasher. A test that asserts the hash algorithm
itself (`password.startswith("pbkdf2_")`) needs `override_settings` after the fix.
The fix puts MD5 first and keeps the other hashers, so passwords hashed before
(users in fixture files) still verify: it prepends MD5 to the module's own list, or
appends `PASSWORD_HASHERS = [MD5, *PASSWORD_HASHERS]` (the base module's list, or
`global_settings.PASSWORD_HASHERS` when nothing sets it). A project whose `conftest.py` or test
modules already switch the hasher is not flagged.

## References
- Speeding up the tests: https://docs.djangoproject.com/en/stable/topics/testing/overview/#speeding-up-the-tests
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_before, replace_node
from djvet.core.model import Diagnostic, Fix, Span
from djvet.core.parso_utils import list_items
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import TEST, effective_settings, settings_index
from djvet.rules.caching._settings_helpers import installed
from djvet.rules.security._code import import_edits
from djvet.rules.security._settings import append_edit, last_statement_span
from djvet.rules.testing._hashers import hashers_switched_in_tests

RULE = Rule(
    code="DJV603",
    name="slow-hasher-in-tests",
    family=Family.TESTING,
    message="Test settings hash passwords with PBKDF2; use `MD5PasswordHasher` to speed up tests",
    fix=FixAvailability.ALWAYS,
    fix_title="Hash passwords with MD5 in tests",
    applies_to=FileRole.SETTINGS,
)
_HASHERS = "django.contrib.auth.hashers."
SLOW = {
    f"{_HASHERS}{name}": short
    for name, short in (
        ("PBKDF2PasswordHasher", "PBKDF2"),
        ("PBKDF2SHA1PasswordHasher", "PBKDF2"),
        ("Argon2PasswordHasher", "Argon2"),
        ("BCryptSHA256PasswordHasher", "bcrypt"),
        ("BCryptPasswordHasher", "bcrypt"),
        ("ScryptPasswordHasher", "scrypt"),
    )
}
FAST = f"{_HASHERS}MD5PasswordHasher"


@RULE.on_module
def check_test_hashers(ctx: FileContext) -> Iterator[Diagnostic]:
    index = settings_index(ctx.project)
    module = index.modules.get(os.path.abspath(ctx.path))
    if (
        module is None
        or module.environment != TEST
        or not _runs_tests(ctx, module.dotted)
    ):
        return
    settings = effective_settings(ctx.project, module)
    if not settings.complete or installed(settings, "django.contrib.auth") is not True:
        return
    setting = settings.get("PASSWORD_HASHERS")
    if setting is not None and (
        not setting.known or not isinstance(setting.value, (list, tuple))
    ):
        return
    first = (
        setting.value[0]
        if setting is not None and setting.value
        else f"{_HASHERS}PBKDF2PasswordHasher"
    )
    if first not in SLOW or hashers_switched_in_tests(ctx.project):
        return
    message = f"Test settings hash passwords with {SLOW[first]}; use `MD5PasswordHasher` to speed up tests"
    if setting is not None and setting.path == ctx.path and not setting.conditional:
        items = list_items(setting.value_node)
        if items:  # MD5 first; the others still verify hashes made with them (fixtures)
            edit = insert_before(
                items[0], f'"{FAST}",{_separator(setting.value_node, items)}'
            )
        else:
            edit = replace_node(setting.value_node, f'["{FAST}"]')
        yield RULE.diagnostic(
            ctx,
            Span.of(setting.value_node),
            message=message,
            fix=Fix.safe(RULE.fix_title, edit),
        )
        return
    if setting is not None:
        line = f'PASSWORD_HASHERS = ["{FAST}", *PASSWORD_HASHERS]\n'
        edits = [append_edit(ctx, line)]
    else:
        line = f'PASSWORD_HASHERS = ["{FAST}", *global_settings.PASSWORD_HASHERS]\n'
        edits = [
            append_edit(ctx, line),
            *import_edits(ctx, "django.conf", "global_settings"),
        ]
    yield RULE.diagnostic(
        ctx,
        last_statement_span(ctx),
        message=message,
        fix=Fix.safe(RULE.fix_title, *edits),
    )


_TEST_WORDS = {"test", "tests", "testing", "pytest", "unittest"}
_RUNNER_FILES = (
    "pytest.ini",
    "setup.cfg",
    "tox.ini",
    "pyproject.toml",
    "Makefile",
    "conftest.py",
)


def _runs_tests(ctx: FileContext, dotted: str) -> bool:
    """The module is what the test runner uses: named or placed as test settings
    (`settings/test.py`, `tests/settings.py`, `test_settings.py`), configured as such,
    or named by a runner's configuration. A `ci.py` may configure anything else."""
    if any(
        dotted == n or dotted.endswith("." + n)
        for n in ctx.project.config.settings_modules.get(TEST, ())
    ):
        return True
    relative = ctx.relative_path.replace("\\", "/").lower()
    if set(re.split(r"[/_.\-]", relative.removesuffix(".py"))) & _TEST_WORDS:
        return True
    for path in [str(ctx.project.root / name) for name in _RUNNER_FILES[:-1]] + [
        p for p in ctx.project.python_files() if p.endswith("conftest.py")
    ]:
        if os.path.isfile(path) and dotted in (ctx.project.read(path) or ""):
            return True
    return False


def _separator(node: Any, items: list[Any]) -> str:
    """`, ` or a line break with the items' indentation, as the list is written."""
    if items[0].start_pos[0] != node.start_pos[0]:
        return "\n" + " " * items[0].start_pos[1]
    return " "
