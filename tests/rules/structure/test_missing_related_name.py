"""DJV306: the fix renames the old accessor across the workspace, and the fixed
models still answer the old lookups (checked with Django in a subprocess)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from djvet.checker import Result, _fix_file
from djvet.core.model import Applicability
from rules.harness import check, check_noop, make_project

MODELS = """\
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)

    def __str__(self):
        return self.title
"""

VIEWS = """\
from shop.models import Publisher


def catalogue(request, pk):
    publisher = Publisher.objects.get(pk=pk)
    titles = [book.title for book in publisher.book_set.all()]
    everyone = Publisher.objects.prefetch_related("book_set")
    matching = Publisher.objects.filter(book__title__icontains="django")
    return titles, everyone, matching, getattr(publisher, "book_set")
"""

TEMPLATE = """\
<ul>{% for book in publisher.book_set.all %}<li>{{ book }}</li>{% endfor %}</ul>
"""

SETTINGS = """\
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]
MIDDLEWARE = []
"""


def _fix(tmp_path, files):
    project = make_project(tmp_path, files, ("DJV306",))
    document = project.document(str(tmp_path / "shop/models.py"))
    _fix_file(project, document, Applicability.UNSAFE, Result())
    return {name: (tmp_path / name).read_text() for name in files}


def test_fix_renames_every_use_in_the_workspace(tmp_path):
    files = {
        "shop/models.py": MODELS,
        "shop/views.py": VIEWS,
        "shop/templates/shop/publisher.html": TEMPLATE,
        "mysite/settings.py": SETTINGS,
    }
    fixed = _fix(tmp_path, files)
    assert 'related_name="books", related_query_name="book")' in fixed["shop/models.py"]
    views = fixed["shop/views.py"]
    assert "publisher.books.all()" in views
    assert 'prefetch_related("books")' in views
    assert 'getattr(publisher, "books")' in views
    assert 'filter(book__title__icontains="django")' in views  # lookups keep their name
    assert "publisher.books.all" in fixed["shop/templates/shop/publisher.html"]
    assert "book_set" not in views


def test_shared_accessor_name_renames_only_uses_of_the_target(tmp_path):
    models = MODELS.replace(
        "    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)\n",
        "    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE)\n"
        "    printer = models.ForeignKey(Printer, on_delete=models.CASCADE)\n",
    ).replace(
        "class Book(",
        "class Printer(models.Model):\n    name = models.CharField(max_length=9)\n\n\nclass Book(",
    )
    views = """\
from shop.models import Printer, Publisher


def both(pk):
    publisher = Publisher.objects.get(pk=pk)
    printer = Printer.objects.get(pk=pk)
    return publisher.book_set.count(), printer.book_set.count()
"""
    fixed = _fix(
        tmp_path,
        {
            "shop/models.py": models,
            "shop/views.py": views,
            "mysite/settings.py": SETTINGS,
        },
    )
    # each fix renames the uses on its own target (two passes of the fix loop)
    assert (
        "return publisher.books.count(), printer.books.count()"
        in fixed["shop/views.py"]
    )
    assert (
        fixed["shop/models.py"].count('related_name="books", related_query_name="book"')
        == 2
    )


def test_ambiguous_use_withdraws_the_fix(tmp_path):
    models = (
        MODELS.replace(
            "    def __str__(self):\n        return self.title",
            '    printer = models.ForeignKey("Printer", on_delete=models.CASCADE)\n\n'
            "    def __str__(self):\n        return self.title",
        )
        + """

class Printer(models.Model):
    name = models.CharField(max_length=9)


class Shipment(models.Model):
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="shipments")
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
"""
    )
    views = """\
def count(something):
    return something.book_set.count()
"""
    found = check(
        models,
        "DJV306",
        tmp_path,
        path="shop/models.py",
        files={"shop/views.py": views, "mysite/settings.py": SETTINGS},
    )
    by_field = {d.message.split("`")[1]: d for d in found}
    assert by_field["Book.publisher"].fix is None  # `something.book_set`: whose?
    assert by_field["Book.printer"].fix is None
    assert by_field["Shipment.book"].fix is not None  # `shipment_set` is used nowhere


def test_one_to_one_and_named_relations_are_quiet(tmp_path):
    check_noop(
        """\
        from django.db import models


        class Account(models.Model):
            name = models.CharField(max_length=9)


        class Profile(models.Model):
            account = models.OneToOneField(Account, on_delete=models.CASCADE)
            backup = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="backups")
        """,
        "DJV306",
        tmp_path,
        path="shop/models.py",
    )


RUNTIME = """\
import sys
import django
from django.conf import settings

sys.path.insert(0, sys.argv[1])
settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "shop"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
django.setup()
from shop.models import Book, Publisher

assert hasattr(Publisher, "books") and not hasattr(Publisher, "book_set")
str(Publisher.objects.filter(book__title="x").query)  # the old lookup still resolves
str(Publisher.objects.prefetch_related("books").query)
print("ok")
"""


def test_fixed_models_keep_lookups_at_run_time(tmp_path):
    fixed = _fix(
        tmp_path / "project", {"shop/models.py": MODELS, "mysite/settings.py": SETTINGS}
    )
    app = tmp_path / "runtime" / "shop"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(fixed["shop/models.py"])
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(RUNTIME), str(tmp_path / "runtime")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_arguments_on_one_line_inside_the_parentheses_stay_on_one_line(tmp_path):
    before = """\
from django.db import models


class Status(models.Model):
    text = models.TextField()


class Favorite(models.Model):
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT
    )
"""
    fixed = _fix(tmp_path, {"shop/models.py": before, "mysite/settings.py": SETTINGS})[
        "shop/models.py"
    ]
    assert (
        """    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, related_name="favorites", related_query_name="favorite"
    )"""
        in fixed
    )


def test_graphql_field_named_after_the_accessor_withdraws_the_fix(tmp_path):
    schema = """\
import strawberry


class PublisherType:
    book_set: list[str]
"""
    found = check(
        MODELS,
        "DJV306",
        tmp_path,
        path="shop/models.py",
        files={"shop/graphql.py": schema, "mysite/settings.py": SETTINGS},
    )
    assert [d.fix for d in found] == [None]


def test_serializer_field_list_naming_the_accessor_withdraws_the_fix(tmp_path):
    serializers = """\
from rest_framework import serializers

from shop.models import Publisher


class PublisherSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["name", "book_set"]
"""
    found = check(
        MODELS,
        "DJV306",
        tmp_path,
        path="shop/models.py",
        files={"shop/serializers.py": serializers, "mysite/settings.py": SETTINGS},
    )
    assert [d.fix for d in found] == [None]
