"""
## What it does
Flags `ForeignKey`, `OneToOneField` and `ManyToManyField` whose target is Django's
own user model written out: `'auth.User'`, or `User` imported from
`django.contrib.auth.models`.

## Why is this bad?
A relation to `auth.User` breaks as soon as the project uses a custom user model
(guide §3.1): Django's system check fails with `fields.E301` ("relation with model
'auth.User', which has been swapped out"). `settings.AUTH_USER_MODEL` always names the
active user model, and migrations record it as the swappable dependency.

## Example
```python
from django.contrib.auth.models import User
from django.db import models


class Order(models.Model):
    customer = models.ForeignKey(User, on_delete=models.PROTECT)
    reviewers = models.ManyToManyField("auth.User", related_name="reviewed_orders")
```

## Use instead
```python
from django.conf import settings
from django.db import models


class Order(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="reviewed_orders")
```

## Fix safety
Safe when the project has no custom user model: `settings.AUTH_USER_MODEL` is then
`"auth.User"`, the field is the same, and `makemigrations` writes nothing new — both
spellings deconstruct to `to=settings.AUTH_USER_MODEL` (checked against Django in the
test suite). Unsafe when `AUTH_USER_MODEL` names a custom model: the relation moves to
that model, which needs a migration that changes the column's foreign key.

## Peers
pylint-django `hard-coded-auth-user` (E5141) flags every `'auth.User'` string in any
position. djvet flags relation targets only — the place the hard-coding breaks — but
also `User` imported from `django.contrib.auth.models` used as a target, which
pylint-django leaves to E5142, and any spelling of the label (`'AUTH.user'`: Django
reads model labels case-insensitively). Migrations are not checked: Django writes
`settings.AUTH_USER_MODEL` there itself, and a historical `'auth.User'` must stay.

## References
- Django docs: Referencing the User model
  https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Applicability, Diagnostic, Edit, Fix, Severity
from djvet.core.parso_utils import call_arguments, call_parts, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.modules import imported_module
from djvet.rules.structure._imports import add_import, binds, qualified, resolve_dotted

RULE = Rule(
    code="DJV302",
    name="auth-user-hardcoded",
    family=Family.STRUCTURE,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="Relation to `auth.User` is hard-coded; use `settings.AUTH_USER_MODEL`",
    fix_title="Use `settings.AUTH_USER_MODEL`",
    excludes=FileRole.MIGRATIONS,
    requires_text=("ForeignKey", "OneToOneField", "ManyToManyField"),
)

_RELATIONS = ("ForeignKey", "OneToOneField", "ManyToManyField")
_AUTH_USER = "django.contrib.auth.models.User"


@RULE.on("atom_expr")
def check_relation(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    parts = call_parts(node)
    if parts is None or parts[0].rsplit(".", 1)[-1] not in _RELATIONS:
        return
    if not _is_django_field(ctx, parts[0]):
        return
    positional, keywords = call_arguments(parts[1])
    target = keywords.get("to") or (positional[0] if positional else None)
    if target is None or not _is_auth_user(ctx, target):
        return
    yield RULE.diagnostic(ctx, target, fix=_fix(ctx, target))


def _is_django_field(ctx: FileContext, callee: str) -> bool:
    where = resolve_dotted(ctx, callee)
    # Unresolved names still count: star imports and re-exports of Django's fields.
    return where is None or where.startswith("django.db.models")


def _is_auth_user(ctx: FileContext, target: Any) -> bool:
    text = string_value(target)
    if text is not None:
        return text.lower() == "auth.user"
    return qualified(ctx, target) == _AUTH_USER


def _fix(ctx: FileContext, target: Any) -> Fix | None:
    edits: list[Edit] = [replace_node(target, "settings.AUTH_USER_MODEL")]
    if not binds(ctx, "settings", "django.conf.settings"):
        if imported_module(ctx.tree, "settings", ctx.path) is not None or _shadowed(
            ctx, target
        ):
            return None  # `settings` means something else here
        edits.append(add_import(ctx, "from django.conf import settings"))
    swapped = model_graph(ctx.project).user_model.lower() != "auth.user"
    applicability = Applicability.UNSAFE if swapped else Applicability.SAFE
    return Fix.make(RULE.fix_title or "", edits, applicability)


def _shadowed(ctx: FileContext, target: Any) -> bool:
    """Whether `settings` is bound where `target` is evaluated: at module level, or in
    the class body holding the field (class attributes of other classes do not count)."""
    holder = target.search_ancestor("classdef", "funcdef")
    for leaf in ctx.tree.get_used_names().get("settings", []):
        if not leaf.is_definition():
            continue
        scope = leaf.search_ancestor("classdef", "funcdef")
        if scope is None or (scope is holder and leaf.start_pos < target.start_pos):
            return True
    return False
