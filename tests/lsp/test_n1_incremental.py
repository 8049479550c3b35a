"""The N+1 rules in the editor: a finding clears as soon as the queryset loads the
relation, the quick fix edits the queryset, and a models change re-checks open views."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import CONFIG, Editor, initialize_params

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

LIBRARY = Path(__file__).resolve().parent.parent / "rules" / "projects" / "library"
VIEW = """\
from library.models import Book


def titles():
    return [f"{b.title} by {b.author.name}" for b in Book.objects.filter(is_published=True)]
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("n1")
    shutil.copytree(LIBRARY, root, dirs_exist_ok=True)
    for package in ("mysite", "library"):
        (root / package / "__init__.py").touch()
    (root / "manage.py").write_text("import os\n", encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    lsp_client.init_result = await lsp_client.initialize_session(
        initialize_params(
            project,
            client_capabilities("visual-studio-code"),
            options={"select": ["DJV101", "DJV102"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client, encoding="utf-16")


def write(project: Path, relative: str, text: str) -> Path:
    path = project / relative
    path.write_text(text, encoding="utf-8")
    return path


async def test_adding_select_related_clears_the_finding_on_the_next_change(
    editor: Editor, project
):
    uri = editor.open(write(project, "library/views_a.py", VIEW))
    [diagnostic] = await editor.diagnostics(uri, version=1)
    assert diagnostic.code == "DJV101" and "`Author`" in diagnostic.message
    assert diagnostic.range.start.line == 4
    version = editor.change(
        uri,
        VIEW.replace(
            "Book.objects.filter", 'Book.objects.select_related("author").filter'
        ),
    )
    assert await editor.diagnostics(uri, version=version) == []


async def test_quick_fix_rewrites_the_queryset(editor: Editor, project):
    uri = editor.open(write(project, "library/views_b.py", VIEW))
    [diagnostic] = await editor.diagnostics(uri, version=1)
    [action, *_] = [
        a
        for a in await editor.code_actions(uri, [diagnostic])
        if a.kind == lsp.CodeActionKind.QuickFix
    ]
    assert action.is_preferred and "select_related" in action.title
    versions = editor.apply(action.edit)
    assert 'Book.objects.select_related("author").filter' in editor.texts[uri]
    assert await editor.diagnostics(uri, version=versions[uri]) == []


async def test_models_change_rechecks_open_views(editor: Editor, project):
    view = VIEW.replace("b.author.name", "b.tags.all()[0].name")
    uri = editor.open(write(project, "library/views_c.py", view))
    assert [d.code for d in await editor.diagnostics(uri, version=1)] == ["DJV102"]
    models_uri = editor.open(project / "library" / "models.py")
    published = len(editor.published)
    # `tags` becomes a foreign key: now `b.tags` itself is the query, fixed by a join.
    text = editor.texts[models_uri].replace(
        'tags = models.ManyToManyField(Tag, related_name="books")',
        'tags = models.ForeignKey(Tag, related_name="books", on_delete=models.CASCADE)',
    )
    assert text != editor.texts[models_uri]
    editor.change(models_uri, text)
    [diagnostic] = await editor.diagnostics(uri, after=published)
    assert (
        diagnostic.code == "DJV101" and "select_related('tags')" in diagnostic.message
    )
