"""In the editor: a Procfile and a requirements file get diagnostics like Python files;
the runserver quick fix rewrites the Procfile, and its diagnostic clears; a Celery fix
(DJV702) edits the task module, another file, from the view's quick fix."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from lsp.helpers import CONFIG, Editor, initialize_params

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SETTINGS = """\
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]
WSGI_APPLICATION = "config.wsgi.application"
LOGGING = {"version": 1}
"""
MODELS = "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n"
TASKS = "from celery import shared_task\n\n\n@shared_task\ndef send_receipt(order):\n    print(order.total)\n"
VIEW = """\
from shop.models import Order
from shop.tasks import send_receipt


def checkout(request, pk):
    order = Order.objects.get(pk=pk)
    send_receipt.delay(order)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    files = {
        "config/__init__.py": "",
        "config/settings.py": SETTINGS,
        "shop/__init__.py": "",
        "shop/models.py": MODELS,
        "shop/tasks.py": TASKS,
        "shop/views.py": VIEW,
        "Procfile": "web: python manage.py runserver 0.0.0.0:$PORT\n",
        "requirements.txt": "Django==5.2.4\ncelery\n",
        "manage.py": "import os\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    lsp_client.init_result = await lsp_client.initialize_session(
        initialize_params(
            project,
            client_capabilities("visual-studio-code"),
            options={"select": ["DJV702", "DJV803", "DJV805"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client, encoding="utf-16")


async def test_procfile_quick_fix_and_requirements(editor: Editor, project):
    procfile = editor.open(project / "Procfile", language_id="plaintext")
    [found] = await editor.diagnostics(procfile, version=1)
    assert (found.code, found.range.start.line, found.range.start.character) == (
        "DJV803",
        0,
        5,
    )
    actions = await editor.code_actions(
        procfile, [found], only=[lsp.CodeActionKind.QuickFix]
    )
    fix = next(a for a in actions if a.title.startswith("DJV803: Serve with gunicorn"))
    [version] = editor.apply(fix.edit).values()
    assert editor.texts[procfile] == "web: gunicorn config.wsgi --bind 0.0.0.0:$PORT\n"
    assert await editor.diagnostics(procfile, version=version) == []

    requirements = editor.open(
        project / "requirements.txt", language_id="pip-requirements"
    )
    [unpinned] = await editor.diagnostics(requirements, version=1)
    assert (unpinned.code, unpinned.range.start.line) == ("DJV805", 1)


async def test_task_fix_edits_the_task_module(editor: Editor, project):
    view = editor.open(project / "shop" / "views.py")
    [found] = await editor.diagnostics(view, version=1)
    assert found.code == "DJV702"
    actions = await editor.code_actions(
        view, [found], only=[lsp.CodeActionKind.QuickFix]
    )
    fix = next(a for a in actions if a.title.startswith("DJV702: Pass the primary key"))
    changed = {change.text_document.uri for change in fix.edit.document_changes}
    assert changed == {view, (project / "shop" / "tasks.py").as_uri()}
