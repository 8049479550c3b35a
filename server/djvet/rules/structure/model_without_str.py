"""
## What it does
Flags a concrete model (neither abstract nor a proxy) that has no `__str__`, neither
in its own body nor in any base class — abstract models and mixins in other modules
included, as the model graph reads them. A model with a base class djvet cannot read (a package that is
not installed) is not flagged: that base may define `__str__`.

## Why is this bad?
Without `__str__`, the admin, the shell, form choices and log lines show
`Order object (17)`. A readable `__str__` costs two lines and helps everyone
who looks at the data.

## Example
```python
from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20)
```

## Use instead
```python
from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20)

    def __str__(self):
        return self.number
```

## Peers
ruff `DJ008` (django-model-without-dunder-str) and SonarQube flag the same models.
djvet differs on purpose where the model graph knows more than one file: a model
inheriting `__str__` from an abstract base or mixin defined in another module is not
flagged (ruff flags it when the base lives elsewhere), a subclass of a concrete
model without `__str__` is flagged only on that concrete model (the subclass inherits
the fix), proxies are not flagged, and a model whose base djvet cannot read is given
the benefit of the doubt. Models in tests and migrations are not checked.

## References
- Django docs: Model.__str__()
  https://docs.djangoproject.com/en/stable/ref/models/instances/#str
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._models import ModelClass, model_classes

RULE = Rule(
    code="DJV309",
    name="model-without-str",
    family=Family.STRUCTURE,
    severity=Severity.INFORMATION,
    fix=FixAvailability.NEVER,
    message="Model without `__str__`; the admin and logs show `Model object (1)`",
    excludes=FileRole.MIGRATIONS | FileRole.TESTS,
)


@RULE.on_module
def check_models(ctx: FileContext) -> Iterator[Diagnostic]:
    for model in model_classes(ctx):
        info = model.info
        if (
            not model.concrete
            or info.presumed
            or info.partial
            or "__str__" in info.methods
        ):
            continue
        if any(_concrete_base(model, label) for label in info.parents):
            continue  # multi-table child: reported on the parent, which it inherits from
        yield RULE.diagnostic(
            ctx,
            model.node.name,
            message=f"Model `{info.name}` has no `__str__`; the admin and logs "
            f"show `{info.name} object (1)`",
        )


def _concrete_base(model: ModelClass, label: str) -> bool:
    parent = model.graph.get(label)
    return parent is not None and not parent.presumed
