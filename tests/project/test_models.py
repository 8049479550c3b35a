"""Unit tests of the static model graph: the tricky corners, incremental updates, discovery."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import parso
import pytest

from djvet.core.config import Config
from djvet.project import environment, jedi_adapter
from djvet.project import models as models_module
from djvet.project.environment import python_environment
from djvet.project.index import ProjectIndex
from djvet.project.models import ModelGraph, model_graph, unresolved_relations

SETTINGS = """
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    {apps}
]
SECRET_KEY = "x"
{extra}
"""


def make_project(
    root: Path, files: dict[str, str], apps: list[str] | None = None, extra: str = ""
) -> ProjectIndex:
    if apps is not None:
        listed = "\n    ".join(f'"{a}",' for a in apps)
        files = {
            "proj/settings.py": SETTINGS.format(apps=listed, extra=extra),
            "proj/__init__.py": "",
            "manage.py": "",
            **files,
        }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for folder in {Path(r).parts[0] for r in files if len(Path(r).parts) > 1}:
        init = root / folder / "__init__.py"
        if not init.exists():
            init.write_text("", encoding="utf-8")
    return ProjectIndex(root)


def relations(graph: ModelGraph, label: str) -> dict[str, tuple[str, str | None]]:
    model = graph.get(label)
    assert model is not None, f"{label} not in {sorted(graph.models)}"
    return {n: (f.kind, f.target) for n, f in model.fields.items() if f.is_relation}


# -- targets and reverse names ------------------------------------------------------------
def test_every_way_of_naming_a_target(tmp_path):
    project = make_project(
        tmp_path,
        {
            "shelf/models.py": """
            from django.conf import settings
            from django.contrib.auth import get_user_model
            from django.db import models
            from people.models import Person as P
            import people.models

            User = get_user_model()

            class Shelf(models.Model):
                by_class = models.ForeignKey(P, on_delete=models.CASCADE, related_name="a")
                by_self = models.ForeignKey("self", null=True, on_delete=models.CASCADE)
                by_name = models.ForeignKey("Box", on_delete=models.CASCADE)
                by_label = models.ForeignKey("PEOPLE.person", on_delete=models.CASCADE, related_name="b")
                by_keyword = models.OneToOneField(on_delete=models.CASCADE, to="people.Person")
                by_setting = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
                by_alias = models.ForeignKey(User, on_delete=models.CASCADE, related_name="c")
                by_call = models.ForeignKey(get_user_model(), on_delete=models.CASCADE, related_name="d")
                by_module = models.ManyToManyField(people.models.Person, related_name="e")
                by_later = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="f")
                unknown = models.ForeignKey("gone.Thing", on_delete=models.CASCADE)

            class Box(models.Model):
                pass
        """,
            "people/models.py": """
            from django.db import models

            class Person(models.Model):
                name = models.CharField(max_length=10)
        """,
        },
        apps=["shelf", "people"],
    )
    graph = model_graph(project)
    shelf = relations(graph, "shelf.Shelf")
    assert shelf["by_class"] == ("fk", "people.Person")
    assert shelf["by_self"] == ("fk", "shelf.Shelf")
    assert shelf["by_name"] == ("fk", "shelf.Box")
    assert shelf["by_label"] == ("fk", "people.Person")
    assert shelf["by_keyword"] == ("o2o", "people.Person")
    for name in ("by_setting", "by_alias", "by_call"):
        assert shelf[name] == ("fk", "auth.User"), name
    assert shelf["by_module"] == ("m2m", "people.Person")
    assert shelf["by_later"] == ("fk", "shelf.Box")
    assert shelf["unknown"] == ("fk", None)
    assert [f.name for f in unresolved_relations(graph)] == ["unknown"]
    person = relations(graph, "people.Person")
    assert person["a"] == ("reverse_fk", "shelf.Shelf")
    assert person["shelf"] == ("reverse_o2o", "shelf.Shelf")
    assert person["e"] == ("reverse_m2m", "shelf.Shelf")
    assert relations(graph, "shelf.Box")["shelf_set"] == ("reverse_fk", "shelf.Shelf")
    assert relations(graph, "auth.User")["shelf_set"] == ("reverse_fk", "shelf.Shelf")


def test_field_details(tmp_path):
    project = make_project(
        tmp_path,
        {
            "shop/models.py": """
            from django.db import models

            class Item(models.Model):
                name = models.CharField("Name", max_length=20, db_index=True, choices=KINDS)
                parent = models.ForeignKey("self", null=True, on_delete=models.SET_NULL,
                                           related_name="children", related_query_name="child")
                café = models.TextField()  # non-ASCII: spans count code points
        """,
        },
        apps=["shop"],
    )
    item = model_graph(project).get("shop.item")
    name, parent = item.fields["name"], item.fields["parent"]
    assert (
        name.kind == "field" and name.field_class == "CharField" and name.target is None
    )
    assert name.options["max_length"] == 20 and name.options["db_index"] is True
    assert name.options["choices"] == "KINDS" and isinstance(
        name.options["choices"], models_module.Expr
    )
    assert (
        parent.attname == "parent_id"
        and parent.null
        and parent.single
        and not parent.many
    )
    children = item.fields["children"]
    assert (
        children.kind == "reverse_fk"
        and children.many
        and children.query_name == "child"
    )
    assert children.remote_field == "parent" and children.path is None
    assert (
        item.fields["id"].auto_created and item.fields["id"].field_class == "AutoField"
    )
    text = (tmp_path / "shop/models.py").read_text()
    span = item.fields["café"].span
    line = text.split("\n")[span.start_line]
    assert line[span.start_column : span.end_column] == "models.TextField()"
    assert parent.path == str(tmp_path / "shop/models.py")


def test_hidden_symmetrical_and_interpolated_reverse_names(tmp_path):
    project = make_project(
        tmp_path,
        {
            "net/models.py": """
            from django.conf import settings
            from django.db import models

            class Owned(models.Model):
                owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                          related_name="%(app_label)s_%(class)s_owned",
                                          related_query_name="%(class)s_q")
                class Meta:
                    abstract = True

            class Listed(models.Model):
                source = models.ForeignKey("Node", on_delete=models.CASCADE)
                class Meta:
                    abstract = True
                    default_related_name = "%(model_name)s_entries"

            class Node(Owned):
                peers = models.ManyToManyField("self")
                fans = models.ManyToManyField("self", symmetrical=False, related_name="idols")
                hidden = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="+")
                named = models.ManyToManyField("Node")

            class Entry(Listed):
                pass
        """,
        },
        apps=["net"],
    )
    graph = model_graph(project)
    node = relations(graph, "net.Node")
    # `named`: to='Node' is not symmetrical
    assert "peers" in node and "node_set" in node
    assert node["idols"] == ("reverse_m2m", "net.Node")
    assert not any(name.endswith("+") for name in node)
    assert node["entry_entries"] == ("reverse_fk", "net.Entry")
    user = graph.get("auth.User").fields["net_node_owned"]
    assert user.kind == "reverse_fk" and user.query_name == "node_q"
    assert graph.get("net.Owned").abstract and graph.get("net.Owned").fields[
        "owner"
    ].related_name.startswith("%(")


def test_abstract_inheritance_overrides_and_mixins(tmp_path):
    project = make_project(
        tmp_path,
        {
            "notes/models.py": """
            from django.db import models

            class Base(models.Model):
                notes = models.TextField()
                title = models.CharField(max_length=9)
                class Meta:
                    abstract = True
                    ordering = ["title"]

            class Mixin:
                notes = None

            class Plain(Base):
                pass

            class Removed(Base):
                notes = None

            class Shadowed(Mixin, Base):
                pass

            class Extended(Base):
                class Meta(Base.Meta):
                    verbose_name = "ext"
        """,
        },
        apps=["notes"],
    )
    graph = model_graph(project)
    assert {"notes", "title", "id"} <= set(graph.get("notes.Plain").fields)
    assert "notes" not in graph.get("notes.Removed").fields
    assert "notes" not in graph.get("notes.Shadowed").fields
    assert graph.get("notes.Plain").meta["ordering"] == ["title"]
    assert graph.get("notes.Extended").meta == {
        "ordering": ["title"],
        "verbose_name": "ext",
    }
    assert graph.get("notes.Plain").bases == ["notes.Base"]
    assert graph.get("notes.Plain").fields["title"].model == "notes.Plain"


def test_multi_table_inheritance_and_proxies(tmp_path):
    project = make_project(
        tmp_path,
        {
            "places/models.py": """
            from django.db import models

            class Place(models.Model):
                name = models.CharField(max_length=9)

            class Restaurant(Place):
                pass

            class Pizzeria(Restaurant):
                pass

            class Bar(Place):
                link = models.OneToOneField(Place, parent_link=True, on_delete=models.CASCADE)

            class Listed(Place):
                class Meta:
                    proxy = True

            class Review(models.Model):
                place = models.ForeignKey(Listed, on_delete=models.CASCADE, related_name="reviews")
        """,
        },
        apps=["places"],
    )
    graph = model_graph(project)
    place = graph.get("places.Place")
    assert {"restaurant", "bar", "reviews"} <= set(place.fields)
    restaurant = graph.get("places.Restaurant")
    assert (
        restaurant.parents == ["places.Place"]
        and restaurant.fields["place_ptr"].parent_link
    )
    assert restaurant.fields["name"].model == "places.Place"  # the parent's column
    assert "restaurant" not in restaurant.fields and "id" in restaurant.fields
    pizzeria = graph.get("places.Pizzeria")
    assert {"place_ptr", "restaurant_ptr"} <= set(pizzeria.fields)
    bar = graph.get("places.Bar")
    assert "place_ptr" not in bar.fields and bar.fields["link"].parent_link
    listed = graph.get("places.Listed")
    assert listed.proxy and listed.concrete_label == "places.Place"
    assert {"name", "restaurant", "reviews"} <= set(listed.fields)
    assert graph.field("places.Review", "place").target == "places.Listed"


def test_generic_relations(tmp_path):
    project = make_project(
        tmp_path,
        {
            "tags/models.py": """
            from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
            from django.contrib.contenttypes.models import ContentType
            from django.db import models

            class Tag(models.Model):
                content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
                object_id = models.PositiveIntegerField()
                item = GenericForeignKey("content_type", "object_id")

            class Post(models.Model):
                tags = GenericRelation(Tag, related_query_name="post")
        """,
        },
        apps=["tags"],
    )
    graph = model_graph(project)
    item = graph.field("tags.Tag", "item")
    assert item.kind == "generic_fk" and item.single and item.target is None
    tags = graph.field("tags.Post", "tags")
    assert tags.kind == "generic_relation" and tags.many and tags.target == "tags.Tag"
    # no attribute, a lookup name only
    assert "post" not in graph.get("tags.Tag").fields
    assert graph.get("tags.Tag").query_only["post"].target == "tags.Post"


def test_through_models_and_taggit_style_fields(tmp_path):
    project = make_project(
        tmp_path,
        {
            "lib/models.py": """
            from django.db import models
            from taggit.managers import TaggableManager

            class TagField(TaggableManager):
                pass

            class Label(models.Model):
                name = models.CharField(max_length=9)

            class Labelled(models.Model):
                tag = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="+")
                book = models.ForeignKey("Book", on_delete=models.CASCADE)

            class Book(models.Model):
                authors = models.ManyToManyField("Author", through="Authorship")
                labels = TagField(through=Labelled)

            class Author(models.Model):
                pass

            class Authorship(models.Model):
                book = models.ForeignKey(Book, on_delete=models.CASCADE)
                author = models.ForeignKey(Author, on_delete=models.CASCADE)
        """,
        },
        apps=["lib"],
    )
    graph = model_graph(project)
    authors = graph.field("lib.Book", "authors")
    assert authors.options["through"] == "lib.Authorship"
    assert relations(graph, "lib.Author")["book_set"] == ("reverse_m2m", "lib.Book")
    labels = graph.field("lib.Book", "labels")
    assert (labels.kind, labels.target) == ("m2m", "lib.Label")
    # taggit's reverse side is its own
    assert "book_set" not in graph.get("lib.Label").fields


# -- managers, methods ----------------------------------------------------------------------
def test_managers(tmp_path):
    project = make_project(
        tmp_path,
        {
            "blog/managers.py": """
            from django.db import models

            class PostQuerySet(models.QuerySet):
                def live(self):
                    return self.filter(live=True)

                def _hidden(self):
                    return self

            class PostManager(models.Manager.from_queryset(PostQuerySet)):
                def recent(self):
                    return self.live()[:5]

            LiveManager = models.Manager.from_queryset(PostQuerySet)
        """,
            "blog/models.py": """
            from django.db import models
            from .managers import LiveManager, PostManager, PostQuerySet

            class Post(models.Model):
                live = models.BooleanField()
                objects = PostManager()
                lives = LiveManager()
                inline = models.Manager.from_queryset(PostQuerySet)()
                qs = PostQuerySet.as_manager()
                plain = models.Manager()
                tracker = Tracker()

            class Page(models.Model):
                pages = models.Manager()

            class Note(models.Model):
                pass

            class Chosen(models.Model):
                a = models.Manager()
                b = PostManager()
                class Meta:
                    default_manager_name = "b"
        """,
        },
        apps=["blog"],
    )
    graph = model_graph(project)
    post = graph.get("blog.Post")
    assert list(post.managers) == ["objects", "lives", "inline", "qs", "plain"]
    objects = post.managers["objects"]
    assert objects.queryset_class == "blog.managers.PostQuerySet"
    assert objects.manager_class == "blog.managers.PostManager"
    assert set(objects.methods) == {"live", "recent"} and objects.manager_only == {
        "recent"
    }
    assert (
        objects.methods["live"].type == "funcdef"
        and objects.methods["live"].name.value == "live"
    )
    for name in ("lives", "inline", "qs"):
        manager = post.managers[name]
        assert manager.queryset_class == "blog.managers.PostQuerySet" and set(
            manager.methods
        ) == {"live"}
        assert manager.manager_only == set()
    assert (
        post.managers["plain"].queryset_class is None
        and post.managers["plain"].methods == {}
    )
    assert list(graph.get("blog.Page").managers) == ["pages"]  # no implicit `objects`
    assert list(graph.get("blog.Note").managers) == ["objects"]
    assert graph.get("blog.Chosen").default_manager.name == "b"
    assert graph.queryset_class_methods("blog.Post").keys() == {"live"}


def test_methods_and_properties_are_parso_nodes(tmp_path):
    project = make_project(
        tmp_path,
        {
            "cat/models.py": """
            from functools import cached_property
            from django.db import models

            class Named:
                def __str__(self):
                    return self.name

            class Cat(Named, models.Model):
                name = models.CharField(max_length=9)

                @property
                def upper(self):
                    return self.name.upper()

                @cached_property
                def owner_name(self):
                    return self.owner.name

                async def fetch(self):
                    return None
        """,
        },
        apps=["cat"],
    )
    cat = model_graph(project).get("cat.Cat")
    assert cat.properties == {"upper", "owner_name"}
    assert {"__str__", "upper", "owner_name", "fetch"} <= set(cat.methods)
    assert (
        cat.methods["__str__"].type == "funcdef"
        and cat.methods["__str__"].name.value == "__str__"
    )
    assert cat.methods["fetch"].name.value == "fetch"
    assert cat.class_node.type == "classdef" and cat.class_node.name.value == "Cat"


# -- resolve() and friends ----------------------------------------------------------------
def test_resolve_names_in_other_modules(tmp_path):
    project = make_project(
        tmp_path,
        {
            "library/models/__init__.py": "from .books import *\n",
            "library/models/books.py": """
            from django.db import models

            class Book(models.Model):
                pass
        """,
            "library/views.py": """
            import library.models
            from django.contrib.auth import get_user_model
            from library import models
            from library.models import Book
            from .models import Book as B

            User = get_user_model()

            class Local(models.Model):
                pass
        """,
        },
        apps=["library"],
    )
    graph = model_graph(project)
    path = str(tmp_path / "library/views.py")
    tree = parso.parse((tmp_path / "library/views.py").read_text())
    for name in ("Book", "B", "models.Book", "library.models.Book"):
        assert graph.resolve(path, tree, name).label == "library.Book", name
    assert graph.resolve(path, tree, "User").label == "auth.User"
    assert (
        graph.resolve(path, tree, "Nothing") is None
        and graph.resolve(path, tree, "Local") is None
    )
    assert graph.model_named("library.models", "Book").label == "library.Book"
    assert graph.model_named("library.models.books", "Book").label == "library.Book"
    models_path = str(tmp_path / "library/models/books.py")
    own_tree = parso.parse((tmp_path / "library/models/books.py").read_text())
    assert graph.resolve(models_path, own_tree, "Book").label == "library.Book"
    assert [m.label for m in graph.models_in(models_path)] == ["library.Book"]
    assert graph.user_model_label() == "auth.User"


# -- discovery -----------------------------------------------------------------------------
def test_app_configs_labels_and_custom_user(tmp_path):
    project = make_project(
        tmp_path,
        {
            "core/apps.py": """
            from django.apps import AppConfig

            class CoreConfig(AppConfig):
                name = "core"
                label = "kernel"
                default_auto_field = "django.db.models.BigAutoField"
        """,
            "core/models.py": """
            from django.contrib.auth.models import AbstractUser
            from django.db import models

            class Member(AbstractUser):
                pass
        """,
            "extra/apps.py": """
            from django.apps import AppConfig

            class One(AppConfig):
                name = "extra"
                label = "first"

            class Two(AppConfig):
                name = "extra"
                label = "second"
                default = True
        """,
            "extra/models.py": """
            from django.db import models

            class Thing(models.Model):
                pass
        """,
        },
        apps=["core", "extra.apps.One", "missing_app", "other_missing.apps.Config"],
        extra='AUTH_USER_MODEL = "kernel.Member"\nDEFAULT_AUTO_FIELD = "django.db.models.SmallAutoField"',
    )
    graph = model_graph(project)
    member = graph.get("kernel.member")
    assert (
        member.label == "kernel.Member"
        and member.fields["id"].field_class == "BigAutoField"
    )
    assert relations(graph, "kernel.Member")["groups"] == ("m2m", "auth.Group")
    assert relations(graph, "auth.Group")["user_set"] == (
        "reverse_m2m",
        "kernel.Member",
    )
    assert (
        graph.get("auth.User") is None and graph.user_model_label() == "kernel.Member"
    )
    assert graph.get("first.Thing").fields["id"].field_class == "SmallAutoField"
    assert any(
        "missing_app" in w and "other_missing.apps.Config" in w
        for w in project.warnings
    )


def test_default_app_config_rules(tmp_path):
    project = make_project(
        tmp_path,
        {
            "solo/apps.py": """
            from django.apps import AppConfig

            class SoloConfig(AppConfig):
                name = "solo"
                label = "alone"
        """,
            "solo/models.py": "from django.db import models\n\nclass A(models.Model):\n    pass\n",
            "duo/apps.py": """
            from django.apps import AppConfig

            class Base(AppConfig):
                name = "duo"
                label = "base"
                default = False

            class Chosen(Base):
                label = "chosen"
                default = True
        """,
            "duo/models.py": "from django.db import models\n\nclass B(models.Model):\n    pass\n",
            "trio/apps.py": """
            from django.apps import AppConfig

            class Base(AppConfig):
                name = "trio"
                label = "base"
                default = False

            class Inherits(Base):
                label = "inherits"  # `default = False` is inherited: not a candidate either
        """,
            "trio/models.py": "from django.db import models\n\nclass C(models.Model):\n    pass\n",
        },
        apps=["solo", "duo", "trio"],
    )
    graph = model_graph(project)
    assert graph.get("alone.A") is not None and graph.get("chosen.B") is not None
    assert graph.get("trio.C") is not None


def test_without_settings_every_models_module_is_an_app(tmp_path):
    project = make_project(
        tmp_path,
        {
            "src/blog/models.py": """
            from django.conf import settings
            from django.db import models

            class Post(models.Model):
                author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
                site = models.ForeignKey("shop.Item", on_delete=models.CASCADE)
        """,
            "src/shop/models/__init__.py": "from .items import Item\n",
            "src/shop/models/items.py": """
            from django.db import models

            class Item(models.Model):
                pass
        """,
            "src/shop/migrations/0001_initial.py": "from django.db import models\n",
        },
    )
    graph = model_graph(project)
    assert relations(graph, "blog.Post") == {
        "author": ("fk", "auth.User"),
        "site": ("fk", "shop.Item"),
    }
    assert relations(graph, "shop.Item")["post_set"] == ("reverse_fk", "blog.Post")


def test_installed_apps_read_from_literals_when_the_value_is_dynamic(tmp_path):
    project = make_project(
        tmp_path,
        {
            "proj/settings.py": """
            import os
            INSTALLED_APPS = ["django.contrib.contenttypes", "blog"] + os.environ["MORE"].split()
            INSTALLED_APPS += ["shop"]
            SECRET_KEY = "x"
            DEBUG = False
        """,
            "blog/models.py": "from django.db import models\n\nclass Post(models.Model):\n    pass\n",
            "shop/models.py": "from django.db import models\n\nclass Item(models.Model):\n    pass\n",
            "other/models.py": "from django.db import models\n\nclass Nope(models.Model):\n    pass\n",
        },
    )
    graph = model_graph(project)
    assert {"blog.Post", "shop.Item", "contenttypes.ContentType"} <= set(graph.models)
    assert graph.get("other.Nope") is None
    assert not any("MORE" in w for w in project.warnings)


def test_half_typed_buffers_keep_the_rest_of_the_file(tmp_path):
    project = make_project(
        tmp_path,
        {
            "zoo/models.py": """
            from django.db import models

            class Keeper(models.Model):
                name = models.CharField(max_length=9)

            class Animal(models.Model):
                keeper = models.ForeignKey(Keeper, on_delete=models.CASCADE)
        """,
        },
        apps=["zoo"],
    )
    path = str(tmp_path / "zoo/models.py")
    text = (tmp_path / "zoo/models.py").read_text()
    project.set_overlay(
        path, text.replace("class Animal(models.Model):", "class Animal(models.Model")
    )
    # a broken header loses its class only
    assert model_graph(project).get("zoo.Keeper") is not None
    broken = [
        text.replace("max_length=9)", "max_length=9"),
        text + "\nclass Half(models.Model):\n",
        text + "\nclass Broken(models.Model)\n    x = models.ForeignKey(\n",
        text.replace("    name = models", "      name = models"),
    ]
    for edited in broken:
        project.set_overlay(path, edited)
        graph = model_graph(project)
        assert graph.get("zoo.Animal") is not None, edited
        assert graph.field("zoo.Animal", "keeper").target == "zoo.Keeper", edited


# -- incremental updates ---------------------------------------------------------------------
def test_a_change_to_one_models_file_reparses_that_file_and_relinks(
    tmp_path, monkeypatch
):
    project = make_project(
        tmp_path,
        {
            "a/models.py": """
            from django.db import models

            class Author(models.Model):
                pass
        """,
            "b/models.py": """
            from django.db import models

            class Book(models.Model):
                author = models.ForeignKey("a.Author", on_delete=models.CASCADE)
        """,
        },
        apps=["a", "b"],
    )
    first = model_graph(project)
    assert "book_set" in first.get("a.Author").fields
    parsed: list[str] = []
    original = models_module._module_facts
    monkeypatch.setattr(
        models_module,
        "_module_facts",
        lambda text, path, dotted: parsed.append(path) or original(text, path, dotted),
    )
    path = str(tmp_path / "b/models.py")
    project.set_overlay(
        path,
        (tmp_path / "b/models.py")
        .read_text()
        .replace(
            "author = models.ForeignKey(",
            'author = models.ForeignKey(related_name="books", to=',
        ),
    )
    second = model_graph(project)
    assert second is not first and parsed == [path]
    assert (
        "books" in second.get("a.Author").fields
        and "book_set" not in second.get("a.Author").fields
    )
    assert model_graph(project) is second  # nothing changed since


SHOP = """
from django.db import models

class BookQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

class Book(models.Model):
    title = models.CharField(max_length=99)
    published = models.BooleanField(default=False)
    objects = BookQuerySet.as_manager()

    def __str__(self):
        return self.title
"""


def _described(graph: ModelGraph) -> dict[str, tuple]:
    """What a graph says about each model, positions included (not its parso nodes)."""
    return {
        label: (
            [(f.name, f.kind, f.target, f.span) for f in info.fields.values()],
            {
                n: (m.queryset_class, sorted(m.methods))
                for n, m in info.managers.items()
            },
            sorted(info.methods),
            info.meta,
        )
        for label, info in graph.models.items()
    }


def test_an_edit_that_moves_no_class_field_or_manager_keeps_the_graph(tmp_path):
    """Typing in a method body of a large models module must not rebuild the graph on
    every keystroke; what the graph hands out (methods' nodes) comes from the new text."""
    project = make_project(tmp_path, {"shop/models.py": SHOP}, apps=["shop"])
    path = str(tmp_path / "shop/models.py")
    text = (tmp_path / "shop/models.py").read_text()
    first = model_graph(project)
    book = first.get("shop.Book")
    assert "self.title" in book.methods["__str__"].get_code()  # read before the edit
    edited = [
        text.replace("return self.title", "return self.title.upper()"),
        text.replace("published=True)", "published=True)  # only the public ones"),
        text + "\n\ndef helper():\n    return 1\n",
    ]
    for version in edited:
        project.set_overlay(path, version)
        graph = model_graph(project)
        assert graph is first
        fresh = model_graph(
            make_project(
                tmp_path / str(len(version)), {"shop/models.py": version}, apps=["shop"]
            )
        )
        assert _described(graph) == _described(fresh)
        book = graph.get("shop.Book")
        for node in (
            book.class_node,
            book.methods["__str__"],
            book.managers["objects"].methods["published"],
        ):
            assert node.get_code() in version  # read from the new text
    assert "upper" not in graph.get("shop.Book").methods["__str__"].get_code()


def test_an_edit_that_moves_or_changes_a_field_rebuilds_the_graph(tmp_path):
    project = make_project(tmp_path, {"shop/models.py": SHOP}, apps=["shop"])
    path = str(tmp_path / "shop/models.py")
    text = (tmp_path / "shop/models.py").read_text()
    graph = model_graph(project)
    changes = [
        text.replace("max_length=99", "max_length=9"),  # an option
        text.replace("class Book", "\nclass Book"),  # every position below
        text.replace(
            "    def __str__", "    subtitle = models.CharField()\n    def __str__"
        ),
        text.replace("def published", "def visible"),  # a queryset method
    ]
    for version in changes:
        project.set_overlay(path, version)
        rebuilt = model_graph(project)
        assert rebuilt is not graph, version
        fresh = model_graph(
            make_project(
                tmp_path / str(len(version)), {"shop/models.py": version}, apps=["shop"]
            )
        )
        assert _described(rebuilt) == _described(fresh)
        graph = rebuilt


def test_a_new_models_module_or_a_settings_change_rebuilds_the_graph(tmp_path):
    project = make_project(tmp_path, {"shop/models.py": SHOP}, apps=["shop"])
    graph = model_graph(project)
    other = tmp_path / "shop" / "extra.py"  # never read by the graph
    project.set_overlay(str(tmp_path / "shop/models/__init__.py"), "")
    assert model_graph(project) is not graph
    graph = model_graph(project)
    settings = str(tmp_path / "proj/settings.py")
    project.set_overlay(settings, (tmp_path / "proj/settings.py").read_text() + "\n")
    assert model_graph(project) is not graph
    graph = model_graph(project)
    project.set_overlay(str(other), "x = 1\n")  # not a models module: no effect
    assert model_graph(project) is graph


def test_non_models_dependencies_are_checked_by_content(tmp_path):
    project = make_project(
        tmp_path,
        {
            "a/apps.py": """
            from django.apps import AppConfig

            class AConfig(AppConfig):
                name = "a"
                label = "alpha"
        """,
            "a/models.py": """
            from django.db import models
            from a.querysets import ThingQuerySet

            class Thing(models.Model):
                objects = ThingQuerySet.as_manager()
        """,
            "a/querysets.py": """
            from django.db import models

            class ThingQuerySet(models.QuerySet):
                def mine(self):
                    return self
        """,
        },
        apps=["a"],
    )
    assert set(model_graph(project).get("alpha.Thing").managers["objects"].methods) == {
        "mine"
    }
    queries = str(tmp_path / "a/querysets.py")
    project.set_overlay(
        queries, (tmp_path / "a/querysets.py").read_text().replace("mine", "yours")
    )
    assert set(model_graph(project).get("alpha.Thing").managers["objects"].methods) == {
        "yours"
    }
    apps = tmp_path / "a/apps.py"
    apps.write_text(apps.read_text().replace('"alpha"', '"beta"'))
    os.utime(apps, (time.time() + 5, time.time() + 5))
    project.file_changed(str(apps))
    assert model_graph(project).get("beta.Thing") is not None


def test_forks_see_their_own_buffers(tmp_path):
    project = make_project(
        tmp_path,
        {
            "a/models.py": "from django.db import models\n\nclass One(models.Model):\n    pass\n",
        },
        apps=["a"],
    )
    graph = model_graph(project)
    fork = project.fork(
        {
            str(
                tmp_path / "a/models.py"
            ): "from django.db import models\n\nclass Two(models.Model):\n    pass\n"
        }
    )
    assert (
        model_graph(fork).get("a.Two") is not None
        and model_graph(fork).get("a.One") is None
    )
    assert model_graph(project) is graph and graph.get("a.One") is not None


def test_a_dropped_fork_and_its_graph_are_freed_without_the_cycle_collector(tmp_path):
    """A fix verification forks the project and builds a graph for the fork: freed by
    reference counting when the fork goes, they are not garbage for the (slow) full
    collections of a server whose index is the size of NetBox's."""
    import gc
    import weakref

    project = make_project(tmp_path, {"shop/models.py": SHOP}, apps=["shop"])
    model_graph(project)
    path = str(tmp_path / "shop/models.py")
    gc.collect()
    gc.disable()
    try:
        # a models fix (shape changes: a graph of its own) and a fix elsewhere (the
        # fork shares the project's graph fact)
        for changed in (
            {path: SHOP.replace("max_length=99", "max_length=9")},
            {str(tmp_path / "shop/views.py"): "x = 1\n"},
        ):
            fork = project.fork(changed)
            graph = weakref.ref(model_graph(fork))
            fork_reference = weakref.ref(fork)
            del fork
            assert fork_reference() is None and graph() is None
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = {type(o).__name__ for o in gc.garbage}
        assert not left & {"_State", "FieldInfo", "ModelInfo"}, left
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_the_graph_reads_literal_options_like_literal_eval():
    import ast

    for source in [
        "1",
        "-1",
        "+2.5",
        "'x'",
        "(1, 'a', [2, {3}])",
        "{'a': (1, -2)}",
        "set()",
        "None",
        "True",
        "...",
        "[]",
        "{}",
    ]:
        node = ast.parse(source, mode="eval").body
        assert models_module._value(node) == ast.literal_eval(node), source
    for source in ["x", "f()", "{**a}", "-x", "[x]"]:
        node = ast.parse(source, mode="eval").body
        assert models_module._value(node) == models_module.Expr(source), source


# -- the environment -------------------------------------------------------------------------
def test_contrib_models_come_from_the_interpreter_site_packages(tmp_path):
    project = make_project(
        tmp_path, {}, apps=["django.contrib.admin", "django.contrib.sessions"]
    )
    environment.forget_environments()
    assert python_environment(project).django_path is not None
    graph = model_graph(project)
    log_entry = graph.get("admin.LogEntry")
    assert log_entry.path.startswith(python_environment(project).django_path)
    assert relations(graph, "admin.LogEntry") == {
        "user": ("fk", "auth.User"),
        "content_type": ("fk", "contenttypes.ContentType"),
    }
    assert relations(graph, "auth.Permission")["content_type"] == (
        "fk",
        "contenttypes.ContentType",
    )
    assert (
        graph.get("sessions.Session").fields["session_key"].options["primary_key"]
        is True
    )


def test_a_configured_virtualenv_is_asked_for_its_site_packages(tmp_path):
    venv = Path(sys.prefix)
    config = Config(root=tmp_path, python=str(venv))
    project = ProjectIndex(tmp_path, config)
    environment.forget_environments()
    found = python_environment(project)
    assert found.source == "config" and any(
        p.endswith("site-packages") for p in found.paths
    )
    assert found.django_version is not None and found.django_version >= (5, 2)
    missing = ProjectIndex(
        tmp_path, Config(root=tmp_path, python=str(tmp_path / "nope/bin/python"))
    )
    environment.forget_environments()
    assert python_environment(missing).source == "running"
    assert any("cannot use the interpreter" in w for w in missing.warnings)


def test_jedi_adapter_is_time_boxed():
    started = time.perf_counter()
    assert jedi_adapter.interpreter_sys_path("/nonexistent/python", timeout=2) is None
    assert time.perf_counter() - started < 6  # generous: CI machines are busy
    paths = jedi_adapter.interpreter_sys_path(sys.executable, timeout=10)
    assert paths is not None and any("site-packages" in p for p in paths)


@pytest.mark.parametrize(
    "bad", ["", "class", "class A(", "from . import", "x = (\n", "\x00"]
)
def test_garbage_never_raises(tmp_path, bad):
    project = make_project(tmp_path, {"a/models.py": bad}, apps=["a"])
    assert model_graph(project).get("a.A") is None


def test_custom_field_classes_and_isolated_registries(tmp_path):
    project = make_project(
        tmp_path,
        {
            "virt/fields.py": """
            from django.db import models

            class Translation(models.ForeignObject):
                pass

            class TranslationWithQ(Translation):
                pass

            class NotAField:
                pass
        """,
            "virt/models.py": """
            from django.apps.registry import Apps
            from django.db import models
            from .fields import NotAField, TranslationWithQ

            other_apps = Apps()

            class Text(models.Model):
                pass

            class Article(models.Model):
                translation = TranslationWithQ(Text, models.CASCADE, ["id"], ["id"], related_name="+")
                helper = NotAField()
                renamed = models.IntegerField(name="counter")
                pk = models.CompositePrimaryKey("counter", "translation_id")

            class Step(models.Model):
                article = models.ForeignKey(Article, on_delete=models.CASCADE)
                class Meta:
                    order_with_respect_to = "article"

            class Elsewhere(models.Model):
                class Meta:
                    apps = other_apps
        """,
        },
        apps=["virt"],
    )
    graph = model_graph(project)
    article = graph.get("virt.Article")
    assert (
        article.fields["translation"].kind,
        article.fields["translation"].target,
    ) == ("fk", "virt.Text")
    assert (
        "helper" not in article.fields
        and "counter" in article.fields
        and "renamed" not in article.fields
    )
    assert "pk" in article.fields and "id" not in article.fields
    assert graph.get("virt.Step").fields["_order"].auto_created
    assert graph.get("virt.Elsewhere") is None


def test_apps_on_an_extra_sys_path_folder_are_found(tmp_path):
    project = make_project(
        tmp_path,
        {
            "proj/settings.py": """
            import sys
            sys.path.insert(0, "apps")
            INSTALLED_APPS = ["django.contrib.contenttypes", "polls", "ghost"]
            SECRET_KEY = "x"
            DEBUG = False
        """,
            "apps/polls/__init__.py": "",
            "apps/polls/models.py": "from django.db import models\n\nclass Poll(models.Model):\n    pass\n",
        },
    )
    # a plain folder on sys.path, not a package
    (tmp_path / "apps/__init__.py").unlink()
    graph = model_graph(project)
    assert (
        graph.get("polls.Poll") is not None
        and graph.get("polls.Poll").module == "polls.models"
    )
    assert any("ghost" in w and "polls" not in w for w in project.warnings)
