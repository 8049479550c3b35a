"""DJV703's fix, proven at run time.

The async views of `tests/runtime_projects/shopproject/shop/views.py` use the ORM the
synchronous way. Under Django's test client each raises `SynchronousOnlyOperation`.
After `djvet check --select DJV703 --fix` (safe fixes only: the project pins Django
5.2, so `aget()`/`asave()`/`async for`/`aget_object_or_404()` are certain), the same
requests succeed and return the same data a sync view would.
"""

from __future__ import annotations

import json

from runtime_projects.run import copy_project, django, djvet_findings, djvet_fix, python

REQUESTS = r"""
import json
from django.test import Client
from shop.models import Category, Product

tools = Category.objects.create(name="tools")
garden = Category.objects.create(name="garden")
hammer = Product.objects.create(category=tools, name="hammer", stock=0)
Product.objects.create(category=tools, name="saw", stock=3)
Product.objects.create(category=garden, name="rake", stock=1)

client = Client()
results = {}
for url in (f"/products/{hammer.pk}/", f"/categories/{tools.pk}/restock/"):
    try:
        response = client.get(url)
        results[url.split("/")[1]] = {"status": response.status_code, "body": response.json()}
    except Exception as error:
        results[url.split("/")[1]] = {"error": type(error).__name__}
results["stock"] = sorted(Product.objects.values_list("name", "stock", "views"))
print(json.dumps(results))
"""


def _run_views(project) -> dict:
    migrated = django(project, "migrate", "shop", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    result = python(project, REQUESTS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_async_views_raise_before_the_fix_and_work_after(tmp_path, capsys):
    project = copy_project("shopproject", tmp_path)

    before = _run_views(project)
    assert before["products"] == {"error": "SynchronousOnlyOperation"}
    assert before["categories"] == {"error": "SynchronousOnlyOperation"}

    assert len(djvet_findings(project, "DJV703", capsys)) == 10
    djvet_fix(project, "DJV703")  # safe fixes only
    capsys.readouterr()
    assert djvet_findings(project, "DJV703", capsys) == []
    views = (project / "shop" / "views.py").read_text()
    for rewritten in (
        "await Product.objects.aget(",
        "await product.asave()",
        "async for product in",
        "async for p in",
        "await aget_object_or_404(",
        ".aexists()",
        "await Product.objects.acount()",
    ):
        assert rewritten in views

    (project / "db.sqlite3").unlink()
    after = _run_views(project)
    assert after["products"] == {
        "status": 200,
        "body": {
            "name": "hammer",
            "views": 1,
            "siblings": ["saw"],
            "total": 3,
            "first": "hammer",
        },
    }
    assert after["categories"] == {
        "status": 200,
        "body": {
            "category": "tools",
            "restocked": ["hammer", "saw"],
            "empty": False,
            "names": ["hammer", "saw"],
        },
    }
    assert after["stock"] == [["hammer", 10, 1], ["rake", 1, 0], ["saw", 13, 0]]
