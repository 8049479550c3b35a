"""The static model graph agrees with Django's own registry on the fixture project.

Django 5.2 runs the fixture project (`modelsproject/`) in a subprocess and dumps, for every
installed model (contrib apps included), each entry of `_meta.get_fields()` as
`(model label, attribute, kind, target)`, plus every manager's queryset class and
methods. djvet never imports the fixture: the graph is read statically in this process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from djvet.project.index import ProjectIndex
from djvet.project.models import ModelGraph, model_graph

FIXTURE = Path(__file__).resolve().parent / "modelsproject"

DUMP = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, sys.argv[1])
    os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[2]
    import django
    django.setup()
    from django.apps import apps
    from django.contrib.contenttypes.fields import GenericForeignKey, GenericRel, GenericRelation
    from django.db import models

    def kind(f):
        if isinstance(f, GenericForeignKey):
            return "generic_fk"
        if isinstance(f, GenericRelation):
            return "generic_relation"
        if isinstance(f, GenericRel):
            return "generic_rel"  # query-only reverse side of a GenericRelation
        if not f.is_relation:
            return "field"
        if f.auto_created and not f.concrete:
            return ("reverse_fk" if f.one_to_many else "reverse_o2o" if f.one_to_one
                    else "reverse_m2m")
        return "m2m" if f.many_to_many else "o2o" if f.one_to_one else "fk"

    def public(obj):
        return sorted(n for n in dir(obj) if not n.startswith("_") and callable(getattr(type(obj), n, None)))

    fields, managers = [], []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            k = kind(f)
            name = f.get_accessor_name() if k.startswith("reverse") or k == "generic_rel" else f.name
            target = f.related_model._meta.label if getattr(f, "related_model", None) else None
            fields.append([model._meta.label, name, k, target])
        for manager in model._meta.managers:
            qs = manager.get_queryset()
            managers.append({
                "model": model._meta.label, "name": manager.name,
                "queryset": type(qs).__module__ + "." + type(qs).__qualname__,
                "manager_methods": public(manager), "queryset_methods": public(qs),
                "base_manager": public(models.Manager()), "base_queryset": public(models.QuerySet()),
                "default": model._meta.default_manager.name,
            })
    print(json.dumps({"fields": fields, "managers": managers}))
    """
)


@pytest.fixture(scope="module")
def runtime() -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", DUMP, str(FIXTURE), "config.settings"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=FIXTURE,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def graph() -> ModelGraph:
    return model_graph(ProjectIndex(FIXTURE))


def _runtime_edges(runtime: dict) -> set[tuple]:
    # Django lists the hidden ('+') reverse side of GenericRelations copied to MTI children;
    # they are neither attributes nor lookups.
    return {tuple(row) for row in runtime["fields"] if not row[1].endswith("+")}


def _static_edges(graph: ModelGraph) -> set[tuple]:
    rows = set()
    for model in graph.concrete_models():
        rows.update(
            (model.label, f.name, f.kind, f.target) for f in model.fields.values()
        )
        rows.update(
            (model.label, f.name, "generic_rel", f.target)
            for f in model.query_only.values()
        )
    return rows


def _compare(expected: set[tuple], found: set[tuple]) -> None:
    missing, extra = (
        sorted(expected - found, key=str),
        sorted(found - expected, key=str),
    )
    precision = len(found & expected) / len(found) if found else 0.0
    recall = len(found & expected) / len(expected) if expected else 0.0
    assert (precision, recall) == (1.0, 1.0), f"missing: {missing}\nextra: {extra}"


def test_the_fixture_covers_every_relation_kind(runtime):
    kinds = {row[2] for row in runtime["fields"]}
    assert kinds >= {
        "fk",
        "o2o",
        "m2m",
        "reverse_fk",
        "reverse_o2o",
        "reverse_m2m",
        "generic_fk",
        "generic_relation",
        "generic_rel",
        "field",
    }


def test_models_match_the_registry(runtime, graph):
    expected = {row[0] for row in runtime["fields"]}
    assert {m.label for m in graph.concrete_models()} == expected
    assert {
        "auth.Group",
        "admin.LogEntry",
        "contenttypes.ContentType",
        "sessions.Session",
    } <= expected
    assert graph.get("auth.User") is None and "auth.User" in graph.swapped


def test_relations_match_the_registry(runtime, graph):
    relations = {e for e in _runtime_edges(runtime) if e[2] != "field"}
    assert len(relations) > 150
    _compare(relations, {e for e in _static_edges(graph) if e[2] != "field"})


def test_reverse_accessor_names_match_the_registry(runtime, graph):
    reverse = {e for e in _runtime_edges(runtime) if e[2].startswith("reverse")}
    _compare(reverse, {e for e in _static_edges(graph) if e[2].startswith("reverse")})


def test_plain_fields_match_the_registry(runtime, graph):
    plain = {e for e in _runtime_edges(runtime) if e[2] == "field"}
    _compare(plain, {e for e in _static_edges(graph) if e[2] == "field"})


def test_managers_match_the_registry(runtime, graph):
    expected = {(m["model"], m["name"]) for m in runtime["managers"]}
    found = {(m.label, name) for m in graph.concrete_models() for name in m.managers}
    assert found == expected
    for row in runtime["managers"]:
        model = graph.get(row["model"])
        manager = model.managers[row["name"]]
        assert model.default_manager.name == row["default"], row["model"]
        queryset = manager.queryset_class or "django.db.models.query.QuerySet"
        assert queryset == row["queryset"], (row["model"], row["name"])
        # Every custom method of the runtime manager and queryset is known, on the right side,
        # and every method djvet places on one side exists there at runtime.
        on_manager, on_queryset = (
            set(row["manager_methods"]),
            set(row["queryset_methods"]),
        )
        known = {n for n in manager.methods if not n.startswith("_")}
        assert on_manager - set(row["base_manager"]) <= known - manager.queryset_only, (
            row
        )
        assert (
            on_queryset - set(row["base_queryset"]) <= known - manager.manager_only
        ), row
        assert known - manager.queryset_only <= on_manager, row
        assert known - manager.manager_only - {"get_queryset"} <= on_queryset, row
