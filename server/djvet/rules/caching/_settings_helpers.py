"""Small settings helpers shared by the caching, static and testing rules.

Settings values djvet cannot compute as a whole (a `CACHES` dict whose `LOCATION` is
`BASE_DIR / "cache"`) are still readable entry by entry from their dict literal; the
Django version decides which settings exist (`STORAGES` is 4.2+, and 5.1 removed
`STATICFILES_STORAGE`).
"""

from __future__ import annotations

import re
from typing import Any

from djvet.core.parso_utils import string_value
from djvet.project.index import ProjectIndex
from djvet.project.settings import UNKNOWN, EffectiveSettings, Setting, evaluate
from djvet.project.versions import django_version

CURRENT = (5, 2)  # assumed when the project's Django version is unknown


def version(project: ProjectIndex) -> tuple[int, ...]:
    """The project's Django version, or the current release when djvet cannot tell."""
    found = django_version(project).version
    return tuple(found) if found else CURRENT


def dict_entries(node: Any) -> list[tuple[str, Any, Any]] | None:
    """(key, key node, value node) of a dict literal with string keys; None for anything
    else (a `**spread`, a comprehension, a call)."""
    if node is None or node.type != "atom" or node.children[0] != "{":
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return None
    children = inner.children
    if len(children) < 3 or children[1] != ":":
        return None
    entries = []
    for index in range(0, len(children), 4):
        if index + 2 >= len(children) or children[index + 1] != ":":
            return None
        key = string_value(children[index])
        if key is None:
            return None
        entries.append((key, children[index], children[index + 2]))
    return entries


def dict_entry(node: Any, key: str) -> Any | None:
    """The value node of `key` in a dict literal (the last one when repeated)."""
    found = None
    for name, _, value in dict_entries(node) or ():
        if name == key:
            found = value
    return found


def nested_value(setting: Setting | None, *keys: str) -> Any:
    """`CACHES["default"]["BACKEND"]`: from the computed value, else read entry by entry
    from the dict literals; UNKNOWN when neither works, None when a key is missing."""
    if setting is None:
        return None
    value = setting.value
    if value is not UNKNOWN and not setting.conditional:
        for key in keys:
            if not isinstance(value, dict):
                return UNKNOWN
            value = value.get(key)
        return value
    if setting.conditional:
        return UNKNOWN
    return evaluate_node(nested_node(setting.value_node, *keys), missing=None)


def nested_node(node: Any, *keys: str) -> Any:
    """The node at `keys` inside nested dict literals; UNKNOWN when a level is not a
    literal, None when a key is missing."""
    for key in keys:
        if dict_entries(node) is None:
            return UNKNOWN
        node = dict_entry(node, key)
        if node is None:
            return None
    return node


def evaluate_node(node: Any, *, missing: Any = None) -> Any:
    if node is UNKNOWN:
        return UNKNOWN
    if node is None:
        return missing
    return evaluate(node)


def installed(settings: EffectiveSettings, app: str) -> bool | None:
    """Whether INSTALLED_APPS holds `app` (None: djvet cannot tell)."""
    setting = settings.get("INSTALLED_APPS")
    if setting is None:
        return False
    found = setting.contains(app)
    if (
        found is not True
        and isinstance(setting.value, (list, tuple))
        and any(
            isinstance(item, str) and item.startswith(app + ".apps.")
            for item in setting.value
        )
    ):
        return True  # `django.contrib.staticfiles.apps.StaticFilesConfig`
    return found


def mutated(project: ProjectIndex, settings: EffectiveSettings, name: str) -> bool:
    """Whether a module of the view changes a dict setting in place
    (`STORAGES["staticfiles"] = ...`, `CACHES.update(...)`), which djvet does not follow:
    its value is then unknown."""
    pattern = re.compile(
        rf"^\s*{re.escape(name)}\s*(\[[^\n]*\]\s*=[^=]|\.(update|setdefault|pop)\()",
        re.M,
    )
    return any(pattern.search(project.read(path) or "") for path in settings.chain)
