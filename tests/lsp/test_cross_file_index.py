"""DJV118 end to end: a finding computed from other files (the project-wide lookup
index) appears on the model field, follows unsaved edits of the querying module, and
its quick fix adds `db_index=True`."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import CONFIG, Editor, initialize_params

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SETTINGS = 'SECRET_KEY = "x"\nDEBUG = False\nINSTALLED_APPS = ["django.contrib.contenttypes", "shop"]\n'
MODELS = """\
from django.db import models


class Order(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20)
    email = models.EmailField()
"""
VIEWS = """\
from shop.models import Order


def pending():
    return list(Order.objects.filter(status="pending"))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    (root / "manage.py").write_text("import os\n", encoding="utf-8")
    for folder, files in {
        "mysite": {"settings.py": SETTINGS},
        "shop": {"models.py": MODELS, "views.py": VIEWS},
    }.items():
        (root / folder).mkdir()
        (root / folder / "__init__.py").touch()
        for name, text in files.items():
            (root / folder / name).write_text(text, encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    await lsp_client.initialize_session(
        initialize_params(
            project,
            client_capabilities("visual-studio-code"),
            options={"select": ["DJV118"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_finding_on_the_field_follows_the_other_module_and_is_fixed(
    client: LanguageClient, project
):
    editor = Editor(client, encoding="utf-16")
    views = editor.open(project / "shop" / "views.py")
    models = editor.open(project / "shop" / "models.py")

    [finding] = await editor.diagnostics(models, version=1)
    assert finding.code == "DJV118" and finding.range.start == lsp.Position(
        line=5, character=4
    )
    assert "shop/views.py:5" in finding.message
    [where] = finding.related_information
    assert where.location.uri == views and where.location.range.start.line == 4

    # An unsaved edit of views.py queries `email` too: the index reads the buffer.
    editor.change(
        views,
        VIEWS + "\n\ndef by_email(email):\n    return Order.objects.get(email=email)\n",
    )
    # the editor re-checks the model file
    version = editor.change(models, MODELS + "\n")
    found = await editor.diagnostics(models, version=version)
    assert sorted(d.range.start.line for d in found) == [5, 6]

    [status] = [d for d in found if d.range.start.line == 5]
    actions = await editor.code_actions(
        models, [status], only=[lsp.CodeActionKind.QuickFix]
    )
    fix = next(a for a in actions if a.title.startswith("DJV118: Add `db_index=True`"))
    assert not fix.is_preferred  # an unsafe fix: it needs a migration
    [version] = editor.apply(fix.edit).values()
    assert (
        "status = models.CharField(max_length=20, db_index=True)"
        in editor.texts[models]
    )
    [left] = await editor.diagnostics(models, version=version)
    assert left.range.start.line == 6  # only `email` is left
