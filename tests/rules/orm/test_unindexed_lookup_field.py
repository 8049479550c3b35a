"""DJV118 unindexed-lookup-field: the project-wide lookup index and what counts as an index."""

from __future__ import annotations

import textwrap

from djvet.core.roles import FileRole
from djvet.engine import check_document
from djvet.project.lookups import lookup_index, scan_file
from rules.harness import make_project

CODE = "DJV118"
SETTINGS = (
    'SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.contenttypes", "shop"]\n'
)
MODELS = """\
from django.db import models


class Customer(models.Model):
    email = models.EmailField()
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=10)
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["country", "region"])]
"""


def findings(tmp_path, views: str, models: str = MODELS, extra: dict | None = None):
    files = {
        "mysite/settings.py": SETTINGS,
        "shop/models.py": models,
        "shop/views.py": textwrap.dedent(views),
        **(extra or {}),
    }
    project = make_project(tmp_path, files, (CODE,))
    document = project.document(str(tmp_path / "shop/models.py"))
    return project, [d for d in check_document(document, project) if d.code == CODE]


def test_finding_is_on_the_field_with_the_query_as_related_information(tmp_path):
    _, [finding] = findings(
        tmp_path,
        """\
        from shop.models import Customer

        def by_email(email):
            return Customer.objects.get(email=email)
        """,
    )
    assert (finding.span.start_line, finding.span.start_column) == (4, 4)
    assert (
        "`email` is filtered or ordered by in 1 query (e.g. shop/views.py:4)"
        in finding.message
    )
    [related] = finding.related
    assert related.path.endswith("shop/views.py") and related.span.start_line == 3
    # `EmailField()` had no arguments
    assert finding.fix.edits[0].new_text == "db_index=True"


def test_composite_index_serves_its_prefix_only(tmp_path):
    _, found = findings(
        tmp_path,
        """\
        from shop.models import Customer

        def leading(country):
            return list(Customer.objects.filter(country=country))

        def both(country, region):
            return list(Customer.objects.filter(country=country).filter(region=region))

        def second_alone(region):
            return list(Customer.objects.filter(region=region))
        """,
    )
    [finding] = found
    assert finding.span.start_line == 6  # `region`, for the query without `country`
    assert "1 query" in finding.message and "shop/views.py:10" in finding.message


def test_lookups_an_index_cannot_serve_and_booleans_do_not_count(tmp_path):
    _, found = findings(
        tmp_path,
        """\
        from shop.models import Customer

        def search(term):
            return list(Customer.objects.filter(email__icontains=term, active=True).exclude(region="x"))
        """,
    )
    assert found == []


def test_tests_and_migrations_do_not_count(tmp_path):
    _, found = findings(
        tmp_path,
        "X = 1\n",
        extra={
            "shop/tests.py": "from shop.models import Customer\nCustomer.objects.get(email='x')\n",
            "shop/migrations/0002_data.py": "from shop.models import Customer\nCustomer.objects.get(email='x')\n",
        },
    )
    assert found == []


def test_variables_views_and_shortcuts_are_followed(tmp_path):
    project, found = findings(
        tmp_path,
        """\
        from django.shortcuts import get_object_or_404
        from django.views.generic import ListView

        from shop import models
        from shop.models import Customer

        def one(email):
            qs = Customer.objects.all()
            return qs.filter(email=email)

        def two(region):
            return get_object_or_404(Customer, region=region)

        class Customers(ListView):
            model = Customer

            def get_queryset(self):
                return super().get_queryset().order_by("email")

        def three():
            return models.Customer.objects.order_by("-region")
        """,
    )
    index = lookup_index(project)
    assert {s.span.start_line for s in index.sites("shop.Customer", "email")} == {8, 17}
    assert {s.span.start_line for s in index.sites("shop.Customer", "region")} == {
        11,
        20,
    }
    assert len(found) == 2


def test_explicit_choices_are_respected(tmp_path):
    models = MODELS.replace("models.EmailField()", "models.EmailField(db_index=False)")
    _, found = findings(
        tmp_path,
        """\
        from shop.models import Customer

        def by_email(email):
            return Customer.objects.get(email=email)
        """,
        models=models,
    )
    assert found == []


def test_scan_is_cached_by_content(tmp_path):
    text = "from shop.models import Customer\nCustomer.objects.filter(email='x')\n"
    first = scan_file(str(tmp_path / "a.py"), text)
    assert scan_file(str(tmp_path / "a.py"), text) is first
    assert scan_file(str(tmp_path / "a.py"), text + "\n") is not first


def test_index_is_rebuilt_when_a_python_file_changes(tmp_path):
    project, [finding] = findings(
        tmp_path,
        """\
        from shop.models import Customer

        def by_email(email):
            return Customer.objects.get(email=email)
        """,
    )
    assert project.roles(str(tmp_path / "shop/views.py")) & FileRole.PYTHON
    project.set_overlay(str(tmp_path / "shop/views.py"), "X = 1\n")
    document = project.document(str(tmp_path / "shop/models.py"))
    assert [d for d in check_document(document, project) if d.code == CODE] == []


def test_a_manager_that_filters_narrows_the_query(tmp_path):
    models = MODELS + (
        "\n\nclass ActiveManager(models.Manager):\n    def get_queryset(self):\n"
        "        return super().get_queryset().filter(active=True)\n\n\n"
        "class Visitor(models.Model):\n    email = models.EmailField()\n    active = models.BooleanField()\n"
        "    objects = models.Manager()\n    actives = ActiveManager()\n"
    )
    _, found = findings(
        tmp_path,
        """\
        from shop.models import Visitor

        def by_email(email):
            return Visitor.actives.get(email=email)
        """,
        models=models,
    )
    assert found == []


def test_every_lookup_method_is_scanned_even_alone_in_a_file(tmp_path):
    """The text filter that spares most files the `ast` walk lets each of these through
    on its own (it once needed `filter(`, `get(`, ... and missed `get_or_create`)."""
    calls = {
        "Customer.objects.get_or_create(email=e)": "email",
        "Customer.objects.update_or_create(email=e, defaults={})": "email",
        "get_object_or_404(Customer, email=e)": "email",
        "get_list_or_404(Customer, country=e)": "country",
        "Customer.objects.get(\n    region=e,\n)": "region",
        "Customer.objects.get(Q(email=e))": "email",
        "Customer.objects.exclude(active=e)": "active",
        "Customer.objects.order_by('country')": "country",
    }
    for call, field in calls.items():
        text = (
            "from django.db.models import Q\n"
            "from django.shortcuts import get_object_or_404, get_list_or_404\n"
            f"from shop.models import Customer\n\n\ndef view(e):\n    return {call}\n"
        )
        scan = scan_file(str(tmp_path / "views.py"), text)
        paths = [lookup.path for site in scan.sites for lookup in site.lookups]
        assert field in paths, call
    plain = "def view(data):\n    return data.get('email'), {}.get(1)\n"
    assert scan_file(str(tmp_path / "plain.py"), plain).sites == []
