"""
## What it does
Flags a user's password stored as given instead of hashed: `user.password = value`,
`User.objects.create(..., password=value)`, `User(..., password=value)`,
`get_or_create`/`update_or_create`/`update` with `password=value`, on the project's user
model (`AUTH_USER_MODEL`, `get_user_model()`, or a model with a `password` field built on
`AbstractBaseUser`). Values that are already hashes are fine: `make_password(...)`,
another user's `.password`, an unusable password (`"!"...`).

## Why is this bad?
Django compares the login attempt's hash with the stored value, so a raw password in the
`password` column never matches (the user cannot log in) — and it sits in plain text in
the database, its backups and its dumps, readable by anyone who gets one.

## Example
```python
from django.contrib.auth import get_user_model


def register(username, password):
    return get_user_model().objects.create(username=username, password=password)
```

## Use instead
```python
from django.contrib.auth import get_user_model


def register(username, password):
    return get_user_model().objects.create_user(username=username, password=password)
```

## Fix safety
Unsafe. `user.password = value` becomes `user.set_password(value)`; `objects.create(...)`
becomes `objects.create_user(...)` (the user manager hashes the password and normalises
the email); other calls get `password=make_password(value)`. A custom user manager
without `create_user()` needs the `make_password` form instead; code that relied on the
column holding the raw value (it never should) changes behaviour.

## Compared with other checkers
- ruff and pylint-django have no such rule; SonarQube and Semgrep flag hard-coded or empty
  passwords, which is a different check (`own-rule`).

## References
- Django docs: Password management:
  https://docs.djangoproject.com/en/stable/topics/auth/passwords/
- Django docs: `UserManager.create_user()`, `make_password()`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_after, insert_before, replace_node
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.parso_utils import call_arguments, code_of, literal_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.security._code import import_edits
from djvet.rules.security._users import is_user_instance, user_model_call

RULE = Rule(
    code="DJV229",
    name="plaintext-password",
    family=Family.SECURITY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="The password is stored unhashed; use `set_password()` or `create_user()`",
    fix_title="Hash the password",
    applies_to=FileRole.PYTHON,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
    requires_text=("password",),
)
_HASHERS = ("make_password", "set_password", "hash_password")
_HASH_PREFIXES = (
    "!",
    "pbkdf2_",
    "argon2",
    "bcrypt",
    "scrypt",
    "md5$",
    "sha1$",
    "crypt$",
)


@RULE.on("expr_stmt")
def check_assignment(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    children = node.children
    if len(children) != 3 or children[1] != "=":
        return
    target, value = children[0], children[2]
    if (
        target.type not in ("atom_expr", "power")
        or code_of(target.children[-1]) != ".password"
    ):
        return
    owner = (
        target.children[0]
        if len(target.children) == 2
        else _Prefix(target.children[:-1])
    )
    if _hashed(value) or not is_user_instance(ctx, owner):
        return
    fix = Fix.unsafe(
        "Call `set_password()`",
        replace_node(node, f"{code_of(owner)}.set_password({code_of(value)})"),
    )
    yield RULE.diagnostic(
        ctx,
        node,
        message=f"`{code_of(target)}` is assigned a raw password; "
        "call `set_password()` to hash it",
        fix=fix,
    )


@RULE.on("atom_expr", "power")
def check_call(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    method = user_model_call(ctx, node)
    if method is None:
        return
    call = node.children[-1]
    _, keywords = call_arguments(call.children[1] if len(call.children) == 3 else None)
    value = keywords.get("password")
    if value is None or _hashed(value):
        return
    what = (
        code_of(node.children[-2]).lstrip(".")
        if method != "constructor"
        else code_of(node.children[0])
    )
    if method == "create":
        name = node.children[-2].children[1]
        fix = Fix.unsafe("Call `create_user()`", replace_node(name, "create_user"))
    else:
        fix = Fix.unsafe(
            "Hash it with `make_password()`",
            insert_before(value, "make_password("),
            insert_after(value, ")"),
            *import_edits(ctx, "django.contrib.auth.hashers", "make_password"),
        )
    yield RULE.diagnostic(
        ctx,
        value.parent,
        message=f"`{what}(password=...)` stores the password unhashed",
        fix=fix,
    )


def _hashed(value: Any) -> bool:
    text = literal_value(value)
    if isinstance(text, str):
        return text.startswith(_HASH_PREFIXES) or text == ""
    if value.type == "keyword":
        return True  # None: no password
    code = code_of(value)
    return (
        code.endswith(".password")
        or any(f"{name}(" in code for name in _HASHERS)
        or "UNUSABLE_PASSWORD" in code
    )


class _Prefix:
    """The object part of `owner.password` as a node-like value."""

    type = "atom_expr"

    def __init__(self, children: list[Any]) -> None:
        self.children = children

    def get_code(self, include_prefix: bool = True) -> str:
        code = "".join(c.get_code() for c in self.children)
        return code if include_prefix else code.lstrip()
