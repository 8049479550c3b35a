"""Field paths of queryset lookups, checked against the model graph (DJV111).

`check_path()` walks `author__name__icontains` through the graph: relations by their
query names (`book`, not `book_set`; `<fk>_id`, `pk`, GenericRelation query names),
then the lookups and transforms a Django field class has, plus every custom one the
project or its installed apps register. Any doubt ends the walk without a problem:
presumed models, unknown targets, custom or JSON-like field classes, names an earlier
`annotate()`/`alias()`/`values()` may have added.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from djvet.project.lookups import LookupVocabulary
from djvet.project.models import FieldInfo, ModelGraph, ModelInfo

LOOKUPS = frozenset(
    {
        "exact",
        "iexact",
        "gt",
        "gte",
        "lt",
        "lte",
        "in",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "range",
        "isnull",
        "regex",
        "iregex",
    }
)
TRANSFORMS = frozenset(
    {
        "year",
        "iso_year",
        "month",
        "day",
        "week_day",
        "iso_week_day",
        "week",
        "quarter",
        "hour",
        "minute",
        "second",
        "date",
        "time",
    }
)
# Field classes whose lookups djvet knows; any other class (JSONField, ArrayField, GIS,
# third-party, the project's own) may answer any name, so nothing after it is checked.
FIELD_CLASSES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BinaryField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "DurationField",
        "EmailField",
        "FileField",
        "FilePathField",
        "FloatField",
        "GenericIPAddressField",
        "IPAddressField",
        "ImageField",
        "IntegerField",
        "NullBooleanField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "TimeField",
        "URLField",
        "UUIDField",
        "OrderWrt",
    }
)
_DEFAULT_MANAGERS = ("objects", "_default_manager", "_base_manager")


@dataclass(frozen=True)
class Problem:
    message: str
    replacement: str | None  # the corrected path, when one name is close enough


@dataclass(frozen=True)
class Names:
    """Names an earlier step of the chain may have added (`annotate(n=...)`)."""

    added: frozenset[str] = frozenset()
    complete: bool = True  # False: something unknown may have added more

    def allows(self, name: str) -> bool:
        return name in self.added or not self.complete


def query_field(model: ModelInfo, name: str) -> FieldInfo | None:
    """The field a lookup's name means on `model` (reverse relations by query name)."""
    for info in model.fields.values():
        if (info.query_name if info.reverse else info.name) == name:
            return info
    return model.query_only.get(name)


def query_names(model: ModelInfo) -> list[str]:
    names = [
        info.query_name if info.reverse else info.name for info in model.fields.values()
    ]
    names += [info.attname for info in model.fields.values() if info.attname]
    return sorted({n for n in [*names, *model.query_only, "pk"] if n})


def _is_attname(model: ModelInfo, name: str) -> bool:
    return any(info.attname == name for info in model.fields.values())


@dataclass
class PathChecker:
    graph: ModelGraph
    vocabulary: LookupVocabulary

    def check(
        self, model: ModelInfo, path: str, names: Names, *, lookups: bool
    ) -> Problem | None:
        """A problem with `path` on `model`, or None when it is valid or in doubt.
        `lookups`: a filter keyword (`title__icontains`), else a field reference
        (`order_by`, `values`, `F()`), where transforms but no lookups may follow."""
        parts = path.split("__")
        if not all(parts):
            return None
        # `annotate(Count("chapters"))` adds `chapters__count`: a name with `__` in it.
        if any(path == name or path.startswith(name + "__") for name in names.added):
            return None
        if not names.complete and query_field(model, parts[0]) is None:
            return None
        current = model
        for index, part in enumerate(parts):
            if current.presumed or current.partial:
                return None  # a base djvet cannot read may define the name
            if part == "pk" or _is_attname(current, part):
                # the primary key or an FK column: its class is not known here
                return None
            info = query_field(current, part)
            if info is None:
                return self._unknown(current, parts, index, names)
            if info.kind == "field":
                return self._after_field(current, info, parts, index)
            if info.kind == "generic_fk" or info.target is None:
                return None
            following = self.graph.get(info.target)
            if following is None or index + 1 == len(parts):
                return None
            if parts[index + 1] in self._known_lookups():
                return None  # `author__in`, `tags__isnull`: a lookup on the relation
            current = following
        return None

    def _known_lookups(self) -> frozenset[str]:
        return LOOKUPS | TRANSFORMS | self.vocabulary.names

    def _unknown(
        self, model: ModelInfo, parts: list[str], index: int, names: Names
    ) -> Problem | None:
        if index == 0 and not names.complete:
            return None
        part = parts[index]
        choices = query_names(model) + (sorted(names.added) if index == 0 else [])
        if part in model.methods or part in model.properties:
            hint = f"; `{part}` is a Python attribute, not a column"
            return Problem(f"`{model.name}` has no field `{part}`{hint}", None)
        return self._problem(
            f"`{model.name}` has no field `{part}`", part, choices, parts, index
        )

    def _after_field(
        self, model: ModelInfo, info: FieldInfo, parts: list[str], index: int
    ) -> Problem | None:
        if (
            info.field_class not in FIELD_CLASSES
            or info.field_class in self.vocabulary.redefined
        ):
            return None
        known = self._known_lookups()
        for position in range(index + 1, len(parts)):
            part = parts[position]
            if part not in known:
                where = f"`{model.name}.{info.name}` ({info.field_class})"
                return self._problem(
                    f"Unsupported lookup `{part}` on {where}",
                    part,
                    sorted(known),
                    parts,
                    position,
                )
        return None

    @staticmethod
    def _problem(
        message: str, part: str, choices: list[str], parts: list[str], index: int
    ) -> Problem:
        # `book_set` is the reverse accessor; lookups use the query name `book`.
        close = [part[:-4]] if part.endswith("_set") and part[:-4] in choices else []
        close = close or difflib.get_close_matches(part, choices, n=1, cutoff=0.7)
        if not close:
            return Problem(f"{message}: a `FieldError` at run time", None)
        fixed = "__".join([*parts[:index], close[0], *parts[index + 1 :]])
        return Problem(f"{message}; did you mean `{close[0]}`?", fixed)


# -- what a chain may have added before a step --------------------------------------------
ADDING = frozenset({"annotate", "alias"})
PLAIN = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "order_by",
        "distinct",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "using",
        "select_for_update",
        "reverse",
        "none",
        "complex_filter",
        "values_list",
        "get_queryset",
    }
)
AGGREGATES = frozenset({"Count", "Sum", "Avg", "Max", "Min", "StdDev", "Variance"})


def manager_names(model: ModelInfo, manager: str) -> Names:
    """A manager whose `get_queryset()` annotates (or that djvet cannot read) may add names."""
    info = model.managers.get(manager)
    if info is None:
        return Names() if manager in _DEFAULT_MANAGERS else Names(complete=False)
    if not info.known:
        return Names(complete=False)
    method = info.methods.get("get_queryset")
    if method is None:
        return Names()
    code = method.get_code()
    complete = not any(
        word in code for word in ("annotate(", "alias(", "extra(", "values(")
    )
    return Names(complete=complete)


def step_names(
    method: str,
    arguments: Any,
    names: Names,
    keywords: dict[str, Any],
    positional: list[Any],
    custom: dict[str, Any],
) -> Names | None:
    """`names` after the step `.method(...)`; None when checking must stop (union, raw).
    `custom`: the model's manager and queryset methods (parso funcdefs) by name."""
    if method in ("union", "intersection", "difference", "raw", "extra"):
        return None
    if method in PLAIN:
        return names
    if method in ADDING or method == "values":
        added = set(keywords)
        complete = names.complete and "**" not in (
            arguments.get_code() if arguments is not None else ""
        )
        if method in ADDING:
            for node in positional:
                alias = default_alias(node)
                complete = complete and alias is not None
                added |= {alias} if alias else set()
        return Names(names.added | frozenset(added), complete)
    if method in custom and not _may_add(method, custom, 0):
        return names  # a custom method that only filters (`published()`)
    return Names(names.added, complete=False)


def _may_add(method: str, custom: dict[str, Any], depth: int) -> bool:
    """Whether a custom method (or one it calls) may annotate, alias or use `extra()`."""
    function = custom.get(method)
    if function is None or depth > 3:
        return True
    code = function.get_code()
    if any(
        f"{word}(" in code
        for word in ("annotate", "alias", "extra", "values", "raw", "union")
    ):
        return True
    called = {name for name in custom if name != method and f".{name}(" in code}
    return any(_may_add(name, custom, depth + 1) for name in called)


def default_alias(node: Any) -> str | None:
    """`Count("books")` → `books__count`, as `annotate()` names positional aggregates."""
    from djvet.core.parso_utils import call_parts, string_value

    parts = call_parts(node) if node.type in ("atom_expr", "power") else None
    if (
        parts is None
        or parts[0].rsplit(".", 1)[-1] not in AGGREGATES
        or parts[1] is None
    ):
        return None
    argument = parts[1].children[0] if parts[1].type == "arglist" else parts[1]
    value = string_value(argument)
    return f"{value}__{parts[0].rsplit('.', 1)[-1].lower()}" if value else None
