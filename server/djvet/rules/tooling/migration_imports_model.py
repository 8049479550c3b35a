"""
## What it does
Flags a migration whose functions use a model class imported from the app
(`from library.models import Book`, also inside the function) or `get_user_model()`,
instead of the historical model `apps.get_model("library", "Book")`.

## Why is this bad?
A migration runs against the database as it was at that point of the history, but an
imported model is the class as it is *today*. Once a later migration adds a field,
the old data migration selects a column that does not exist yet, and `migrate` on a
fresh database (CI, a new developer, a restore) fails. The historical model from
`apps.get_model()` always matches the schema of its migration.

## Example
```python
from django.db import migrations

from library.models import Tag


def add_tags(apps, schema_editor):
    Tag.objects.create(name="fiction")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
```

## Use instead
```python
from django.db import migrations


def add_tags(apps, schema_editor):
    Tag = apps.get_model("library", "Tag")
    Tag.objects.create(name="fiction")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
```

## Fix safety
Unsafe: historical models have the fields of their migration but none of the model's
methods, properties or custom managers (unless `use_in_migrations = True`), and no
overridden `save()`. Code calling those must be rewritten by hand. The fix is offered
when every function using the model takes `apps` as its first parameter.

## References
- Django docs: https://docs.djangoproject.com/en/stable/topics/migrations/#historical-models
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.tooling._historical import imported_models, user_model_calls

RULE = Rule(
    code="DJV904",
    name="migration-imports-model",
    family=Family.TOOLING,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="Data migration uses an imported model; use `apps.get_model()`",
    fix_title="Use the historical model from `apps.get_model()`",
    applies_to=FileRole.MIGRATIONS,
)


@RULE.on_module
def check_migration(ctx: FileContext) -> Iterator[Diagnostic]:
    for found in imported_models(ctx):
        message = (
            f"`{found.name}` is today's model, not the historical one; "
            f"use `apps.get_model({found.get_model_args})`"
        )
        fix = Fix.unsafe(RULE.fix_title or "", *found.edits) if found.edits else None
        yield RULE.diagnostic(
            ctx,
            found.leaf,
            message=message if len(message) <= 100 else RULE.message,
            fix=fix,
        )
    for call, edits in user_model_calls(ctx):
        fix = Fix.unsafe(RULE.fix_title or "", *edits) if edits else None
        yield RULE.diagnostic(
            ctx,
            call,
            message="`get_user_model()` is today's user model; "
            "use `apps.get_model(settings.AUTH_USER_MODEL)`",
            fix=fix,
        )
