"""
## What it does
Flags `null=True` on string-based model fields (`CharField`, `TextField`,
`SlugField`, `EmailField`, `URLField`, `FilePathField` and the `CI*` variants),
except with both `unique=True` and `blank=True`.

## Why is this bad?
The field then has two "no data" values, `NULL` and `""`, and every query has to
check both. Django's convention is the empty string: forms save `""` for a blank
string field, whatever `null` says. The one exception, in Django's docs, is a unique
field that may be blank: `NULL`s do not collide under a unique constraint.

## Example
```python
from django.db import models


class Publisher(models.Model):
    city = models.CharField(max_length=80, null=True)
```

## Use instead
```python
from django.db import models


class Publisher(models.Model):
    city = models.CharField(max_length=80, blank=True)
```

## Fix safety
Unsafe: the fix replaces `null=True` with `blank=True` (or drops it when `blank` is
set). The migration it needs turns the column `NOT NULL`; Django's schema editor
first sets existing `NULL`s to `""` (the field's effective default), so data
changes, and code that tests `field is None` or filters `field__isnull=True` stops
matching. No fix is offered for `unique=True` fields: blank values would collide.

## Peers
ruff `DJ001` (django-nullable-model-string-field) and SonarQube flag the same
fields with the same exception. ruff also flags such fields on classes that are not
models (a form or a plain class holding field objects); djvet checks models only. djvet
reads models through the model graph, so it also checks models whose `models.Model`
base is reached through a base class imported from another module, which ruff
cannot see.

## References
- Django docs: Field.null
  https://docs.djangoproject.com/en/stable/ref/models/fields/#null
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.edits import replace_node
from djvet.core.model import Applicability, Diagnostic, Fix, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import FieldInfo
from djvet.rules.structure._edits import keyword_argument, remove_argument
from djvet.rules.structure._models import field_call, model_classes

RULE = Rule(
    code="DJV308",
    name="nullable-string-field",
    family=Family.STRUCTURE,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`null=True` on a string field gives it two empty values; use `blank=True`",
    fix_title="Replace `null=True` with `blank=True`",
    excludes=FileRole.MIGRATIONS,
    requires_text=("null",),
)

STRING_FIELDS = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "FilePathField",
        "CICharField",
        "CITextField",
        "CIEmailField",
    }
)


@RULE.on_module
def check_string_fields(ctx: FileContext) -> Iterator[Diagnostic]:
    for model in model_classes(ctx):
        for info in model.declared_fields():
            if (
                info.field_class not in STRING_FIELDS
                or info.options.get("null") is not True
            ):
                continue
            if info.options.get("unique") is True and info.options.get("blank") is True:
                continue  # Django's documented exception
            call = field_call(ctx, info)
            argument = keyword_argument(call, "null") if call is not None else None
            if argument is None:
                continue
            message = (
                f"`null=True` on `{info.field_class}` `{info.name}` gives it two empty values; "
                "use `blank=True`"
            )
            yield RULE.diagnostic(
                ctx, argument, message=message, fix=_fix(info, call, argument)
            )


def _fix(info: FieldInfo, call: object, argument: object) -> Fix | None:
    if info.options.get("unique") is True:
        return None  # blank values would collide under the unique constraint
    if "blank" in info.options:
        return Fix.make(
            "Remove `null=True`",
            [remove_argument(call, argument)],
            Applicability.UNSAFE,
        )
    return Fix.make(
        RULE.fix_title or "",
        [replace_node(argument, "blank=True")],
        Applicability.UNSAFE,
    )
