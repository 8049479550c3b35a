"""
## What it does
Flags `migrations.RunPython(forward)` without a `reverse_code`.

## Why is this bad?
Without reverse code Django cannot unapply the migration: `migrate app 0003` or
`migrate app zero` stops with `IrreversibleError`, so a bad deploy cannot be rolled back
and a developer cannot step back to an older branch. Most data migrations need nothing
undone: `RunPython.noop` makes them reversible.

## Example
```python
from django.db import migrations


def forwards(apps, schema_editor):
    Tag = apps.get_model("library", "Tag")
    Tag.objects.get_or_create(name="fiction")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(forwards)]
```

## Use instead
```python
from django.db import migrations


def forwards(apps, schema_editor):
    Tag = apps.get_model("library", "Tag")
    Tag.objects.get_or_create(name="fiction")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
```

## Fix safety
Safe: applying the migration does exactly what it did; unapplying it, which failed,
now leaves the data as it is. Write a real reverse function instead when the forward
step must be undone (the fix cannot know). An explicit `reverse_code=None` is left alone.

## References
- Django docs: https://docs.djangoproject.com/en/stable/ref/migration-operations/#runpython
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_after
from djvet.core.model import Diagnostic, Fix, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.tooling._migrations import operation

RULE = Rule(
    code="DJV902",
    name="runpython-without-reverse",
    family=Family.TOOLING,
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    message="`RunPython` without `reverse_code` makes the migration irreversible",
    fix_title="Add `RunPython.noop` as the reverse",
    applies_to=FileRole.MIGRATIONS,
)


@RULE.on("atom_expr", "power")
def check_run_python(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    found = operation(ctx.tree, ctx.path, node, {"RunPython"})
    if found is None or found.argument(1, "reverse_code") is not None:
        return
    if any(
        code.startswith("*")
        for code in (a.get_code(include_prefix=False) for a in found.positional)
    ):
        return  # `RunPython(*operations)`: the arguments are not visible
    noop = f"{found.callee}.noop"
    if found.positional:
        edit = insert_after(found.positional[0], f", {noop}")
    elif "code" in found.keywords:
        last = found.call.children[1].children[-1]
        if last == ",":
            # One argument per line, ending with a comma: add one more line like them.
            argument = last.get_previous_sibling()
            edit = insert_after(
                last, f"\n{' ' * argument.start_pos[1]}reverse_code={noop},"
            )
        else:
            edit = insert_after(last, f", reverse_code={noop}")
    else:
        return
    callee = Span.between(node.children[0], node.children[-2])
    yield RULE.diagnostic(ctx, callee, fix=Fix.safe(RULE.fix_title or "", edit))
