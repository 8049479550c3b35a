"""
## What it does
Flags a model's `save()` override that never calls the parent's `save()` —
neither `super().save(...)`, `super(Model, self).save(...)`, nor `Base.save(self, ...)`.

A `save()` whose body only raises (a read-only model) is deliberate and not flagged,
nor is one that calls a method of the model (`self._save_versioned(...)`) which calls
the parent's `save()`.

## Why is this bad?
Nothing is written to the database: the object silently stays unsaved, `pk` stays
`None`, and `pre_save`/`post_save` signals never fire. The override usually meant to
add behaviour around the save, not to replace it.

## Example
```python
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField()

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = self.title.lower().replace(" ", "-")
```

## Use instead
```python
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField()

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = self.title.lower().replace(" ", "-")
        super().save(*args, **kwargs)
```

There is no automatic fix: where the call goes (before or after the extra work) and
which arguments it passes are the author's decision.

## Peers
Semgrep's `django-db-model-save-super` flags the same overrides. djvet also accepts
`Base.save(self, ...)` (an explicit parent call), overrides that only raise, and
overrides delegating to a model method that calls the parent's `save()`, and
reads models through the model graph, so a model whose `models.Model` base comes
from another module is checked too.

## References
- Django docs: Overriding predefined model methods
  https://docs.djangoproject.com/en/stable/topics/db/models/#overriding-predefined-model-methods
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.structure._models import model_classes

RULE = Rule(
    code="DJV313",
    name="save-without-super",
    family=Family.STRUCTURE,
    severity=Severity.ERROR,
    fix=FixAvailability.NEVER,
    message="`save()` override never calls `super().save()`; the object is not saved",
    excludes=FileRole.MIGRATIONS,
)


@RULE.on_module
def check_save(ctx: FileContext) -> Iterator[Diagnostic]:
    for model in model_classes(ctx):
        for statement in model.body():
            function = (
                statement.children[-1] if statement.type == "decorated" else statement
            )
            if function.type == "async_stmt":
                function = function.children[-1]
            if function.type != "funcdef" or function.name.value != "save":
                continue
            if _calls_parent_save(function) or _only_raises(function):
                continue
            if any(
                _calls_parent_save(helper)
                for helper in _helpers(model.info.methods, function)
            ):
                continue  # `save()` delegates to a method that calls the parent's save
            yield RULE.diagnostic(ctx, function.name)


def _calls_parent_save(function: Any) -> bool:
    """`super().save(`, `super(X, self).save(`, or `Something.save(self, ...)`."""
    params = function.get_params()
    self_name = params[0].name.value if params else "self"
    for node in iter_nodes(function, {"atom_expr", "power"}):
        children = node.children
        for index in range(len(children) - 2):
            trailer, call = children[index + 1], children[index + 2]
            if (
                trailer.type != "trailer"
                or trailer.children[0] != "."
                or trailer.children[1].value != "save"
            ):
                continue
            if call.type != "trailer" or call.children[0] != "(":
                continue
            receiver = children[: index + 1]
            if receiver[0].type == "name" and receiver[0].value == "super":
                return True
            if _first_argument(call) == self_name:
                return True
    return False


def _helpers(methods: Any, function: Any) -> Iterator[Any]:
    """Methods of the model that `save()` calls as `self.name(...)`."""
    for node in iter_nodes(function, {"atom_expr", "power"}):
        children = node.children
        if (
            len(children) >= 3
            and children[0].type == "name"
            and children[0].value == "self"
            and children[1].type == "trailer"
            and children[1].children[0] == "."
            and children[2].type == "trailer"
            and children[2].children[0] == "("
        ):
            name = children[1].children[1].value
            helper = methods.get(name) if name != "save" else None
            if helper is not None and helper.type == "funcdef":
                yield helper


def _first_argument(call: Any) -> str | None:
    if len(call.children) != 3:
        return None
    inner = call.children[1]
    first = inner.children[0] if inner.type == "arglist" else inner
    return first.value if first.type == "name" else None


def _only_raises(function: Any) -> bool:
    suite = function.children[-1]
    statements = (
        [c for c in suite.children if c.type not in ("newline", "indent", "dedent")]
        if suite.type == "suite"
        else [suite]
    )
    real = [
        s
        for s in statements
        if not (s.type == "simple_stmt" and s.children[0].type == "string")
    ]
    return bool(real) and all(
        s.type == "simple_stmt" and s.children[0].type == "raise_stmt" for s in real
    )
