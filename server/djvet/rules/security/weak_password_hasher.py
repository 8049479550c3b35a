"""
## What it does
Flags production settings whose `PASSWORD_HASHERS` starts with a weak hasher: Django's
`MD5PasswordHasher`, `SHA1PasswordHasher`, `UnsaltedMD5PasswordHasher`,
`UnsaltedSHA1PasswordHasher` or `CryptPasswordHasher`. The first hasher is the one new
passwords are stored with. Test settings are not checked: a fast hasher there is good
practice (DJV603).

## Why is this bad?
These hashers are fast (or unsalted, or limited to 8 characters): once the user table
leaks — a backup, a SQL injection, a stolen laptop — an ordinary GPU tries billions of
guesses per second and recovers most passwords in hours. Django's default,
PBKDF2 with hundreds of thousands of iterations, is made to be slow.

## Example
```python
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
```

## Use instead
```python
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",  # only to verify, then upgrade, old hashes
]
```

## Fix safety
Unsafe: logins get slower on purpose (PBKDF2 costs tens of milliseconds), and each
user's hash is upgraded at their next login. The fix keeps the weak hasher in the list,
after a strong one, so existing passwords still verify.

## References
- Django password storage: https://docs.djangoproject.com/en/stable/topics/auth/passwords/
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.edits import insert_before, replace_node
from djvet.core.model import Diagnostic, Edit, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings, Setting
from djvet.rules.security._settings import (
    SettingProblem,
    settings_diagnostics,
    string_items,
)

RULE = Rule(
    code="DJV230",
    name="weak-password-hasher",
    family=Family.SECURITY,
    message="`PASSWORD_HASHERS` stores new passwords with a weak hasher; leaked hashes crack fast",
    fix=FixAvailability.SOMETIMES,
    fix_title="Hash new passwords with PBKDF2 (keep the weak hasher to verify old hashes)",
    applies_to=FileRole.SETTINGS,
)
_HASHERS = "django.contrib.auth.hashers."
WEAK = {
    f"{_HASHERS}{name}"
    for name in (
        "MD5PasswordHasher",
        "SHA1PasswordHasher",
        "UnsaltedMD5PasswordHasher",
        "UnsaltedSHA1PasswordHasher",
        "CryptPasswordHasher",
    )
}
STRONG = f"{_HASHERS}PBKDF2PasswordHasher"


@RULE.on_module
def check_hashers(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        setting = settings.get("PASSWORD_HASHERS")
        if (
            setting is None
            or not setting.known
            or not isinstance(setting.value, (list, tuple))
        ):
            return
        if not setting.value or setting.value[0] not in WEAK:
            return
        weak = setting.value[0]
        short = weak.rsplit(".", 1)[-1]
        message = f"`PASSWORD_HASHERS` stores new passwords with `{short}`; leaked hashes crack fast"
        items = string_items(setting) or []
        if not items or items[0][1] != weak:
            # the list was built elsewhere: no fix
            yield SettingProblem(message, setting)
            return
        yield SettingProblem(
            message, setting, span=Span.of(items[0][0]), edits=_promote(setting, items)
        )

    yield from settings_diagnostics(RULE, ctx, problems)


def _promote(setting: Setting, items: list) -> tuple[Edit, ...]:
    """Put a strong hasher first: swap with one already listed, else insert PBKDF2."""
    first_node, weak = items[0]
    quote = first_node.value.lstrip("rRbBuU")[0]
    for node, value in items[1:]:
        if value.startswith(_HASHERS) and value not in WEAK:
            return (
                replace_node(first_node, node.value),
                replace_node(node, first_node.value),
            )
    multiline = first_node.start_pos[0] != setting.value_node.start_pos[0]
    separator = ",\n" + " " * first_node.start_pos[1] if multiline else ", "
    return (insert_before(first_node, f"{quote}{STRONG}{quote}{separator}"),)
