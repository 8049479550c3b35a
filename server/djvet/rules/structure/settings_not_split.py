"""
## What it does
Flags a project whose only settings module serves every environment: a single
`settings.py` with `DEBUG` hard-coded (`True` or `False`), no settings module for
development or production beside it, no `from .local_settings import *` override,
and no environment reads at all (`os.environ`, `os.getenv`, django-environ,
python-decouple).

The finding sits on the `DEBUG` assignment. Test settings that build on the module
do not count as a split: they configure the test run, not a deployment. A single
settings module that takes its configuration from the environment (the twelve-factor
layout, guide §8.1) is fine and not flagged.

## Why is this bad?
One file for development and production means someone edits it before each deploy,
or production runs with development values (`DEBUG`, SQLite, console e-mail). Split
settings (`base.py`, `development.py`, `production.py`, `test.py`) selected with
`DJANGO_SETTINGS_MODULE` make each environment explicit and reviewable (guide §3.2).

## Example
```python
INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
MIDDLEWARE = []
DEBUG = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
```

## Use instead
```python
import os

INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
MIDDLEWARE = []
DEBUG = os.environ.get("DJANGO_DEBUG", "False") == "True"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
```

Better still, `config/settings/{base,development,production,test}.py` with
`DJANGO_SETTINGS_MODULE=config.settings.production` on the servers.

There is no automatic fix: how to split is the project's decision.

## References
- Django docs: Designating the settings
  https://docs.djangoproject.com/en/stable/topics/settings/#designating-the-settings
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Severity
from djvet.core.parso_utils import iter_nodes
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import (
    SettingsIndex,
    SettingsModule,
    effective_settings,
    settings_index,
)

RULE = Rule(
    code="DJV304",
    name="settings-not-split",
    family=Family.STRUCTURE,
    severity=Severity.INFORMATION,
    fix=FixAvailability.NEVER,
    message="One settings module for every environment with `DEBUG` hard-coded; split the settings",
    applies_to=FileRole.SETTINGS,
)

_ENV_READ = re.compile(
    r"\bos\.environ\b|\bgetenv\(|\benviron\b|\bdecouple\b|\benv\(|\benv\.\w+\(|\bconfig\("
    r"|\bdotenv\b|\bsplit_settings\b"
)
_DEPLOYMENT_ENVIRONMENTS = ("production", "development")


@RULE.on_module
def check_single_settings(ctx: FileContext) -> Iterator[Diagnostic]:
    index = settings_index(ctx.project)
    module = index.modules.get(ctx.path)
    if module is None or not _lone_module(index, module) or _ENV_READ.search(ctx.text):
        return
    if any(node.is_star_import() for node in iter_nodes(ctx.tree, {"import_from"})):
        return  # `from .local_settings import *`: a per-machine override is a split
    settings = effective_settings(ctx.project, module)
    debug = settings.get("DEBUG")
    if not settings.complete or debug is None or debug.path != ctx.path:
        return
    if debug.conditional or debug.from_env or debug.value not in (True, False):
        return
    yield RULE.diagnostic(ctx, debug.name_node)


def _lone_module(index: SettingsIndex, module: SettingsModule) -> bool:
    """The module production runs, with no development or production sibling, and
    nothing but test settings building on it."""
    if module.environment in ("test", "development"):
        return False
    if module not in index.production_views():
        return False
    others = [m for p, m in index.modules.items() if p != module.path]
    if any(m.environment in _DEPLOYMENT_ENVIRONMENTS for m in others):
        return False
    if any(
        index.modules[c].environment != "test"
        for c in index.children.get(module.path, ())
    ):
        return False
    return len(index.chain(module.path)) == 1
