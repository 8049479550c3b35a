"""
## What it does
Flags `debug_toolbar` in the `INSTALLED_APPS`, or its middleware in the `MIDDLEWARE`,
of settings that production runs (a base module production builds on, or the
production module itself). Additions under `if DEBUG:` and in development settings are
fine.

## Why is this bad?
django-debug-toolbar is a development tool: it must be installed wherever these
settings run (so production carries a dev dependency), its middleware runs on every
request, and one misconfigured `INTERNAL_IPS` or `SHOW_TOOLBAR_CALLBACK` shows SQL,
settings and headers to visitors.

## Example
```python
DEBUG = False
INSTALLED_APPS = ["django.contrib.auth", "debug_toolbar"]
```

## Use instead
```python
DEBUG = False
INSTALLED_APPS = ["django.contrib.auth"]

if DEBUG:
    INSTALLED_APPS += ["debug_toolbar"]
```

## Fix safety
Unsafe: the fix removes the entry and adds it to the development settings module that
builds on this one (or, for a single settings module, under `if DEBUG:`). The URLconf
must include `debug_toolbar.urls` only when the app is installed; check it by hand.

## References
- django-debug-toolbar installation: https://django-debug-toolbar.readthedocs.io/en/latest/installation.html
- Guide §9.1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import (
    DEVELOPMENT,
    production_settings_for,
    settings_index,
)
from djvet.rules.deploy._literals import statements_about, string_nodes
from djvet.rules.security._settings import append_edit
from djvet.rules.tooling._lists import remove_item

RULE = Rule(
    code="DJV901",
    name="debug-toolbar-in-production",
    family=Family.TOOLING,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    message="`debug_toolbar` is installed in settings production runs",
    fix_title="Move django-debug-toolbar to the development settings",
    applies_to=FileRole.SETTINGS,
)
ITEMS = (
    ("INSTALLED_APPS", "debug_toolbar"),
    ("MIDDLEWARE", "debug_toolbar.middleware.DebugToolbarMiddleware"),
)


@RULE.on_module
def check_toolbar(ctx: FileContext) -> Iterator[Diagnostic]:
    views = production_settings_for(ctx.project, ctx.path)
    found = [
        (name, item, node)
        for name, item in ITEMS
        if any(
            (s := v.get(name)) is not None and s.contains(item) is True for v in views
        )
        for node in _unconditional(ctx, name, item)
    ]
    fix = _fix(ctx, found) if found else None
    for name, item, node in found:
        message = f"`{item.rsplit('.', 1)[-1]}` is in the `{name}` production runs"
        yield RULE.diagnostic(ctx, node, message=message, fix=fix)


def _unconditional(ctx: FileContext, name: str, item: str) -> Iterator[Any]:
    for statement in statements_about(ctx.tree, name):
        if statement.parent.parent.type == "file_input":
            yield from string_nodes(statement, item)


def _fix(ctx: FileContext, found: list[tuple[str, str, Any]]) -> Fix | None:
    """One fix for every entry of this file: remove them all, add them where they belong."""
    removals = [remove_item(node) for _, _, node in found]
    if any(r is None for r in removals):
        return None
    edits: list[Edit] = [r for r in removals if r is not None]
    entries = {(name, item): node for name, item, node in found}
    lines = [_addition(name, item, node) for (name, item), node in entries.items()]
    index = settings_index(ctx.project)
    developments = sorted(
        m.path
        for m in index.modules.values()
        if m.environment == DEVELOPMENT and ctx.path in index.chain(m.path)
    )
    if developments:
        development = index.modules[developments[0]]
        # What development inherits from here goes away with the fix: only its own entries stay.
        own = ctx.project.read(development.path) or ""
        missing = [
            line
            for line, (_name, item) in zip(lines, entries, strict=True)
            if f'"{item}"' not in own and f"'{item}'" not in own
        ]
        if missing:
            edits.append(
                _append(ctx, development.path, "".join(f"{line}\n" for line in missing))
            )
        return Fix.unsafe(RULE.fix_title or "", *edits)
    if not any(
        v.module.path == ctx.path
        for v in production_settings_for(ctx.project, ctx.path)
    ):
        return None  # a base module without development settings: nowhere to move it
    guarded = "\nif DEBUG:\n" + "".join(f"    {line}\n" for line in lines)
    return Fix.unsafe(
        "Install django-debug-toolbar only when `DEBUG` is on",
        *edits,
        append_edit(ctx, guarded),
    )


def _addition(name: str, item: str, node: Any) -> str:
    """`INSTALLED_APPS += [...]`; middleware goes back to its old position (the toolbar's
    middleware must run early, after any middleware that encodes the response)."""
    if name == "MIDDLEWARE" and node.parent.type == "testlist_comp":
        position = [c for c in node.parent.children if c != ","].index(node)
        return f'{name}.insert({position}, "{item}")'
    return f'{name} += ["{item}"]'


def _append(ctx: FileContext, path: str, text: str) -> Edit:
    content = ctx.project.read(path) or ""
    lines = content.split("\n")
    prefix = "" if content.endswith("\n") or not content else "\n"
    return Edit(Span.point(len(lines) - 1, len(lines[-1])), prefix + text, path)
