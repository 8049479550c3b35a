"""djvet never imports or runs the project: settings and models modules that would
raise, loop forever or write files on import are analysed with nothing executed; and
one rule raising does not hide the others' findings."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from djvet.checker import check_files, collect_files
from djvet.core.config import Config
from djvet.core.model import Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import RULES, Family, Rule
from djvet.project.index import ProjectIndex

SETTINGS = """\
import os
import sys

open({marker!r}, "w").write("settings ran")
os.system("touch {marker}.shell")
if "test" not in sys.argv:
    raise RuntimeError("settings must not be imported")
while True:
    pass

SECRET_KEY = "django-insecure-literal"
DEBUG = True
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "shop"]
MIDDLEWARE = []
"""
MODELS = """\
from django.db import models

open({marker!r}, "w").write("models ran")
raise SystemExit(3)


class Author(models.Model):
    name = models.CharField(max_length=10)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""
VIEW = "from shop.models import Book\n\n\ndef view():\n    return [b.author.name for b in Book.objects.all()]\n"


def test_a_project_that_would_run_code_on_import_is_only_read(tmp_path):
    marker = tmp_path / "marker"
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "__init__.py").touch()
    (tmp_path / "mysite" / "settings.py").write_text(
        SETTINGS.format(marker=str(marker))
    )
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").touch()
    (tmp_path / "shop" / "models.py").write_text(MODELS.format(marker=str(marker)))
    (tmp_path / "shop" / "views.py").write_text(VIEW)
    project = ProjectIndex(tmp_path, Config(root=tmp_path))
    result = check_files(project, collect_files(project, [str(tmp_path)]), jobs=1)
    codes = {d.code for d in result.diagnostics}
    assert {"DJV101", "DJV201"} <= codes  # the models and settings were read statically
    assert not marker.exists() and not (tmp_path / "marker.shell").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mysite", "shop"]


def test_one_rule_raising_is_logged_and_the_others_still_report(tmp_path, caplog):
    broken = Rule(
        code="DJV299",
        name="always-raises",
        family=Family.SECURITY,
        message="never",
        applies_to=FileRole.SETTINGS,
    )

    @broken.on_module
    def explode(ctx) -> Iterator[Diagnostic]:
        raise ValueError("boom")
        yield  # pragma: no cover

    try:
        (tmp_path / "mysite").mkdir()
        (tmp_path / "mysite" / "settings.py").write_text(
            "DEBUG = True\nSECRET_KEY = 'x'\n"
        )
        project = ProjectIndex(
            tmp_path, Config(root=tmp_path, select=("DJV201", "DJV299"))
        )
        with caplog.at_level(logging.ERROR, logger="djvet"):
            result = check_files(
                project, collect_files(project, [str(tmp_path)]), jobs=1
            )
        assert [d.code for d in result.diagnostics] == ["DJV201"]
        assert any(
            "DJV299" in r.getMessage() and "always-raises" in r.getMessage()
            for r in caplog.records
        )
    finally:
        RULES.pop("DJV299", None)
        from djvet.core import rule as rule_module

        rule_module._NAMES.discard("always-raises")
