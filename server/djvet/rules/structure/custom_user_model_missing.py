"""
## What it does
Flags a project whose settings install `django.contrib.auth` but never set
`AUTH_USER_MODEL`, so every user is Django's built-in `auth.User`.

The finding is reported once, on the `INSTALLED_APPS` assignment of the settings
that production runs (in `base.py` when production builds on it). It is quiet when
any settings module of the project sets `AUTH_USER_MODEL`, when djvet cannot read
all of the settings (dynamic definitions, unreadable imports), and for
development-only and test settings (a reusable app's test settings need no custom
user model).

## Why is this bad?
Swapping the user model after the first migration means rewriting the migrations
of every app that points at the user table, by hand (guide §3.1, impact CRITICAL).
A custom model that merely subclasses `AbstractUser` costs nothing on day one and
leaves room for the fields every project ends up needing.

## Example
```python
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "accounts",
]
MIDDLEWARE = []
```

## Use instead
```python
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "accounts",
]
MIDDLEWARE = []
AUTH_USER_MODEL = "accounts.User"  # accounts/models.py: class User(AbstractUser): pass
```

There is no automatic fix: the model, its app and its first migration come first.

## References
- Django docs: Using a custom user model when starting a project
  https://docs.djangoproject.com/en/stable/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import SettingsIndex, effective_settings, settings_index

RULE = Rule(
    code="DJV303",
    name="custom-user-model-missing",
    family=Family.STRUCTURE,
    severity=Severity.WARNING,
    fix=FixAvailability.NEVER,
    message="No `AUTH_USER_MODEL`: the project uses `auth.User`; start with a custom user model",
    applies_to=FileRole.SETTINGS,
)

_AUTH = "django.contrib.auth"


@RULE.on_module
def check_user_model(ctx: FileContext) -> Iterator[Diagnostic]:
    index = settings_index(ctx.project)
    if ctx.path not in index.modules or _sets_user_model(index):
        return
    reported: set[Span] = set()
    for view in index.production_views():
        settings = effective_settings(ctx.project, view)
        if not settings.complete or settings.inherits_view:
            continue
        apps = settings.get("INSTALLED_APPS")
        if apps is None or apps.path != ctx.path or apps.contains(_AUTH) is not True:
            continue
        span = Span.of(apps.name_node)
        if span not in reported:
            reported.add(span)
            yield RULE.diagnostic(ctx, span)


def _sets_user_model(index: SettingsIndex) -> bool:
    """Any settings module (also development or test ones) naming a user model."""
    return any(
        "AUTH_USER_MODEL" in module.tree.get_used_names()
        for module in index.modules.values()
        if module.tree is not None
    )
