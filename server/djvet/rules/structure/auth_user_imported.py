"""
## What it does
Flags `from django.contrib.auth.models import User` in project code (not in
migrations or tests, and not under `if TYPE_CHECKING:`).

## Why is this bad?
With a custom user model (`AUTH_USER_MODEL`), Django's own `User` is swapped out:
`User.objects` raises `AttributeError: Manager isn't available; 'auth.User' has been
swapped`, and relations to it fail the system checks. Without one, the import ties the
code to `auth.User` and turns switching to a custom model (guide §3.1) into a hunt
through the code base. `get_user_model()` returns whichever model is active.

## Example
```python
from django.contrib.auth.models import User


def active_users():
    return User.objects.filter(is_active=True)
```

## Use instead
```python
from django.contrib.auth import get_user_model

User = get_user_model()


def active_users():
    return User.objects.filter(is_active=True)
```

In model fields use `settings.AUTH_USER_MODEL` instead (DJV302).

## Fix safety
Unsafe: `get_user_model()` runs when the module is imported; a models module imported
before `django.contrib.auth`'s models are registered raises `ImproperlyConfigured`
(use `settings.AUTH_USER_MODEL` there), and type checkers lose the class. With a custom
user model the fix also changes which model the code uses (which is the point).
There is no fix when the module has a `get_user_model` of its own, nor when the file
subclasses `User` (a proxy or a multi-table child of
`auth.User` is a design decision; DJV303 reports the missing custom model instead).

## Peers
pylint-django `imported-auth-user` (E5142) flags the same import. djvet skips
migrations (historical models come from `apps.get_model`), tests (with a custom user
model they fail on their own; without one they are fixtures' business), `if
TYPE_CHECKING:` imports (never run) and files that subclass `User`.

## References
- Django docs: Referencing the User model
  https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.edits import insert_at, replace_node
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.rules.structure._imports import (
    binds,
    end_of_import_block,
    in_type_checking_block,
    line_after,
    remove_name,
    statement_of,
)

RULE = Rule(
    code="DJV301",
    name="auth-user-imported",
    family=Family.STRUCTURE,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`User` imported from `django.contrib.auth.models`; use `get_user_model()`",
    fix_title="Use `get_user_model()`",
    excludes=FileRole.MIGRATIONS | FileRole.TESTS,
)

_SWAPPED = "`User` imported from `django.contrib.auth.models` is swapped out by `AUTH_USER_MODEL`"


@RULE.on("import_from")
def check_import(ctx: FileContext, node: Any) -> Iterator[Diagnostic]:
    if node.level or [n.value for n in node.get_from_names()] != [
        "django",
        "contrib",
        "auth",
        "models",
    ]:
        return
    if in_type_checking_block(node):
        return
    for item, original, bound in _names(node):
        if original != "User":
            continue
        fix = None if _subclassed(ctx, bound) else _fix(ctx, node, item, bound)
        message = _SWAPPED if _swapped(ctx) else RULE.message
        yield RULE.diagnostic(ctx, item, message=message, fix=fix)


def _names(node: Any) -> Iterator[tuple[Any, str, str]]:
    """(node to remove, imported name, bound name) per imported name."""
    for leaf in node.get_defined_names():
        item = leaf.parent if leaf.parent.type == "import_as_name" else leaf
        original = (
            item.children[0].value if item.type == "import_as_name" else leaf.value
        )
        yield item, original, leaf.value


def _swapped(ctx: FileContext) -> bool:
    return model_graph(ctx.project).user_model.lower() != "auth.user"


def _subclassed(ctx: FileContext, bound: str) -> bool:
    for classdef in iter_nodes(ctx.tree, {"classdef"}):
        bases = classdef.get_super_arglist()
        if bases is not None and any(
            leaf.type == "name" and leaf.value == bound
            for leaf in iter_nodes(bases, {"name"})
        ):
            return True
    return False


def _fix(ctx: FileContext, node: Any, item: Any, bound: str) -> Fix | None:
    statement = statement_of(node)
    if statement is None or len(statement.children) != 2:  # `a; b` on one line
        return None
    indent = " " * statement.start_pos[1]
    has_function = binds(ctx, "get_user_model", "django.contrib.auth.get_user_model")
    if not has_function and "get_user_model" in ctx.tree.get_used_names():
        # the module has a `get_user_model` of its own (oscar's compat module)
        return None
    edits: list[Edit] = []
    removal = remove_name(node, item)
    if removal is None:  # `User` is the only name: the statement goes
        if has_function:
            line = statement.start_pos[0] - 1
            edits.append(Edit(Span(line, 0, line_after(statement), 0), ""))
        else:
            edits.append(
                replace_node(node, "from django.contrib.auth import get_user_model")
            )
    else:
        edits.append(removal)
        if not has_function:
            line = statement.start_pos[0] - 1
            edits.append(
                insert_at(
                    line, 0, f"{indent}from django.contrib.auth import get_user_model\n"
                )
            )
    last = end_of_import_block(statement)
    blank = "\n" if statement.parent.type == "file_input" else ""
    edits.append(
        insert_at(line_after(last), 0, f"{blank}{indent}{bound} = get_user_model()\n")
    )
    return Fix.unsafe(RULE.fix_title or "", *edits)
