"""
## What it does
Flags a `ForeignKey` or `ManyToManyField` of a concrete model without
`related_name` (and without `Meta.default_related_name`), whose reverse accessor is
therefore Django's `<model>_set` (`publisher.book_set`).

`OneToOneField` is not flagged: its default reverse name is the model's name in the
singular (`user.profile`), already what the guide asks for. Fields declared on
abstract models are not flagged either: a `related_name` there must be written with
`%(class)s` to stay unique, a decision for the author.

## Why is this bad?
`publisher.book_set.all()` reads like an implementation detail; `publisher.books.all()`
reads like the domain (guide §3.6). Explicit names also survive renaming the model,
and show up in the model where readers look for them.

## Example
```python
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)
```

## Use instead
```python
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    publisher = models.ForeignKey(
        Publisher, on_delete=models.CASCADE, related_name="books", related_query_name="book"
    )
```

## Fix safety
Unsafe. The fix adds `related_name="<plural of the model>"` (`order_items` for
`OrderItem`; `<field>_<plural>` when the target already has that name) and renames
every use of the old accessor across the workspace in one edit: attribute accesses
(`publisher.book_set`), lookup strings (`prefetch_related("book_set__tags")`,
`getattr(x, "book_set")`) and templates (`{{ publisher.book_set.all }}`). It also adds
`related_query_name="<model>"`, because setting `related_name` would otherwise change
the name used in queries too (`Publisher.objects.filter(book__title=...)` would become
`books__title`); with it, every lookup keeps working unchanged.

What makes it unsafe: code outside the workspace (another service, a notebook, a
reusable app's users) and names built at run time (`getattr(x, f"{name}_set")`) keep
the old accessor, which no longer exists. When another relation of the project has
an accessor of the same name, only uses djvet can tie to this model are renamed, and
any use it cannot tell apart withdraws the fix, as does a class attribute or keyword
argument named like the accessor, or a string naming it in a class body outside a
call (a GraphQL type's or serializer's `fields`, whose public name would change). When the target model has a base class djvet cannot
read, the new name might clash with an attribute there: no fix. Self-referencing relations get no fix
(the right name, `children` or `mentees`, needs a human). `makemigrations` writes an
`AlterField` for the new options; it changes no table.

## References
- Django docs: ForeignKey.related_name
  https://docs.djangoproject.com/en/stable/ref/models/fields/#django.db.models.ForeignKey.related_name
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import FieldInfo, ModelGraph
from djvet.rules.structure._edits import add_keywords, arguments
from djvet.rules.structure._models import (
    ModelClass,
    field_call,
    model_classes,
    plural,
    snake_case,
)
from djvet.rules.structure._renames import rename_uses

RULE = Rule(
    code="DJV306",
    name="missing-related-name",
    family=Family.STRUCTURE,
    severity=Severity.INFORMATION,
    fix=FixAvailability.SOMETIMES,
    message="Relation without `related_name`; the reverse accessor is `<model>_set`",
    fix_title="Add `related_name` and rename its uses",
    excludes=FileRole.MIGRATIONS | FileRole.TESTS,
)


@RULE.on_module
def check_relations(ctx: FileContext) -> Iterator[Diagnostic]:
    for model in model_classes(ctx):
        if (
            not model.concrete
            or model.info.meta.get("default_related_name") is not None
        ):
            continue
        for info in model.declared_fields():
            if (
                info.kind not in ("fk", "m2m")
                or info.parent_link
                or "related_name" in info.options
            ):
                continue
            reverse = _reverse(model.graph, info)
            call = field_call(ctx, info)
            if (
                reverse is None
                or call is None
                or any(
                    a.type == "argument" and a.children[0] == "**"
                    for a in arguments(call)
                )
            ):
                continue
            owner = model.graph.get(info.target or "")
            where = owner.name if owner is not None else "the target"
            message = (
                f"`{model.info.name}.{info.name}` has no `related_name`; `{where}` reaches it "
                f"as `{reverse.name}`"
            )
            yield RULE.diagnostic(
                ctx,
                call.children[0],
                message=message,
                fix=_fix(ctx, model, info, reverse, call),
            )


def _reverse(graph: ModelGraph, info: FieldInfo) -> FieldInfo | None:
    """The `<model>_set` accessor the relation gives its target (None: it has none)."""
    target = graph.get(info.target or "")
    if target is None:
        return None
    for reverse in target.fields.values():
        if (
            reverse.reverse
            and reverse.remote_field == info.name
            and reverse.target == info.model
            and reverse.name.endswith("_set")
        ):
            return reverse
    return None


def _fix(
    ctx: FileContext,
    model: ModelClass,
    info: FieldInfo,
    reverse: FieldInfo,
    call: object,
) -> Fix | None:
    graph = model.graph
    if info.target is None or info.target.lower() == info.model.lower():
        return None  # self-relations: `children`, `mentees`... need a human
    name = _new_name(graph, model, info)
    if name is None:
        return None
    unique = (
        sum(
            1
            for m in graph.models.values()
            if not m.abstract and reverse.name in m.fields
        )
        == 1
    )
    rename = rename_uses(
        ctx.project, ctx.path, ctx.tree, reverse.name, name, info.target, unique
    )
    if rename.ambiguous:
        return None
    texts = [f'related_name="{name}"']
    if "related_query_name" not in info.options:
        texts.append(f'related_query_name="{model.info.model_name}"')
    edits: list[Edit] = [add_keywords(call, *texts), *rename.edits]
    return Fix.unsafe(
        f'Add `related_name="{name}"` and rename `{reverse.name}`', *edits
    )


def _new_name(graph: ModelGraph, model: ModelClass, info: FieldInfo) -> str | None:
    target = graph.get(info.target or "")
    if target is None or target.presumed or target.partial:
        return None  # names on a base djvet cannot read might clash
    taken = (
        set(target.fields)
        | set(target.methods)
        | target.properties
        | set(target.managers)
    )
    base = plural(snake_case(model.info.name))
    for candidate in (base, f"{info.name}_{base}"):
        if candidate not in taken and candidate.isidentifier():
            return candidate
    return None
