"""Templates in the editor: opening a template shows its diagnostics; the DJV105 quick
fix is a workspace edit of the *view* (another file), and once it is applied the
template's diagnostic clears. Also a template-only fix (DJV226) in the template."""

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
from django.shortcuts import render

from library.models import Book


def book_list(request):
    books = Book.objects.filter(is_published=True)
    return render(request, "library/book_list.html", {"books": books})
"""
TEMPLATE = """\
<ul>
{% for book in books %}
  <li>{{ book.title }} by {{ book.author.name }}</li>
{% endfor %}
</ul>
<form method="post">
  <button>Go</button>
</form>
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("templates")
    shutil.copytree(LIBRARY, root, dirs_exist_ok=True)
    for package in ("mysite", "library"):
        (root / package / "__init__.py").touch()
    (root / "manage.py").write_text("import os\n", encoding="utf-8")
    (root / "library" / "views.py").write_text(VIEW, encoding="utf-8")
    folder = root / "library" / "templates" / "library"
    folder.mkdir(parents=True)
    (folder / "book_list.html").write_text(TEMPLATE, encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, project):
    lsp_client.init_result = await lsp_client.initialize_session(
        initialize_params(
            project,
            client_capabilities("visual-studio-code"),
            options={"select": ["DJV105", "DJV226"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client, encoding="utf-16")


async def test_template_fix_edits_the_view_and_the_template_diagnostic_clears(
    editor: Editor, project
):
    template = editor.open(
        project / "library" / "templates" / "library" / "book_list.html",
        language_id="django-html",
    )
    view = editor.open(project / "library" / "views.py")
    found = await editor.diagnostics(template, version=1)
    assert sorted((d.code, d.range.start.line) for d in found) == [
        ("DJV105", 2),
        ("DJV226", 5),
    ]
    n1 = next(d for d in found if d.code == "DJV105")
    assert n1.related_information[0].location.uri == view

    actions = await editor.code_actions(
        template, [n1], only=[lsp.CodeActionKind.QuickFix]
    )
    fix = next(a for a in actions if a.title.startswith("DJV105: Add `select_related"))
    assert fix.is_preferred, "the queryset is built in the view: a safe fix"
    assert {c.text_document.uri for c in fix.edit.document_changes} == {view}
    mark = len(editor.published)
    editor.apply(fix.edit)
    assert (
        'Book.objects.select_related("author").filter(is_published=True)'
        in editor.texts[view]
    )
    remaining = await editor.diagnostics(template, version=1, after=mark)
    assert [d.code for d in remaining] == ["DJV226"]


async def test_template_fix_in_the_template_itself(editor: Editor, project):
    path = project / "library" / "templates" / "library" / "form.html"
    path.write_text(
        '<form method="post">\n  <button>Go</button>\n</form>\n', encoding="utf-8"
    )
    uri = editor.open(path, language_id="htmldjango")
    [found] = await editor.diagnostics(uri, version=1)
    actions = await editor.code_actions(
        uri, [found], only=[lsp.CodeActionKind.QuickFix]
    )
    fix = next(a for a in actions if a.title == "DJV226: Insert `{% csrf_token %}`")
    [version] = editor.apply(fix.edit).values()
    assert (
        editor.texts[uri]
        == '<form method="post">\n  {% csrf_token %}\n  <button>Go</button>\n</form>\n'
    )
    assert await editor.diagnostics(uri, version=version) == []
