"""The template reader, template discovery, the view→template link, and the template
rules' edge cases (DJV105 both sides, DJV226, DJV227 in settings, DJV507 safety)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from djvet.checker import Result, _fix_file
from djvet.core.model import Applicability
from djvet.engine import check_document
from djvet.project.template_index import renders_in, renders_reaching
from djvet.project.template_n1 import missing_reads, render_reads
from djvet.project.template_views import Evaluators
from djvet.project.templates import (
    Tag,
    Var,
    masked_text,
    parse_expr,
    parse_template,
    template_files,
    tokenize,
)
from rules.harness import PROJECTS, _folder_files, make_project

django_lexer = pytest.importorskip("django.template.base").Lexer


# -- the reader ----------------------------------------------------------------------------
def _django_tokens(text: str) -> list[tuple[str, str]]:
    return [
        (t.token_type.name.lower(), t.contents) for t in django_lexer(text).tokenize()
    ]


def _tokens(text: str) -> list[tuple[str, str]]:
    return [
        (t.kind, t.content if t.kind != "text" else text[t.start : t.end])
        for t in tokenize(text)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "{{ a }}",
        "{{a.b|f:'x|y'}}{% if a %}x{% endif %}",
        "{% verbatim %}{{ raw }}{% endverbatim %}",
        "{% verbatim x %}{% endverbatim %}{% endverbatim x %}{{ y }}",
        "{{ multi\nline }}",
        "{# c #}{#\n#}",
        "{% %}{{}}{##}",
        "{{ a }}}}",
        "{%% a %%}",
        "{% comment %}{{ a }}{% endcomment %}",
    ],
)
def test_lexer_matches_djangos(text: str) -> None:
    assert _tokens(text) == _django_tokens(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}%# \nabv|:'\"endverbatim", max_size=60))
def test_lexer_matches_djangos_on_any_text(text: str) -> None:
    assert _tokens(text) == _django_tokens(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=80)
    | st.lists(
        st.sampled_from(
            [
                "{% for a in b %}",
                "{% empty %}",
                "{% endfor %}",
                "{% if x %}",
                "{% elif y %}",
                "{% else %}",
                "{% endif %}",
                "{% with a=b %}",
                "{% endwith %}",
                "{% block c %}",
                "{% endblock %}",
                "{{ a.b|c:d }}",
                "{% comment %}",
                "{% endcomment %}",
                "{% verbatim %}",
                "{% endverbatim %}",
                "{% x %}",
                "{% endx %}",
                "{% include 'a' with b=c only %}",
                "text",
                "{#",
                "#}",
                "{% endwhile %}",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_parser_never_raises_and_walks_every_node(text: str) -> None:
    template = parse_template(text)
    assert all(template.span(n.start, n.token.end) for n in template.walk())
    masked = masked_text(template)
    assert len(masked) == len(text)


def test_blocks_pair_with_their_branches_and_end_tags() -> None:
    template = parse_template(
        textwrap.dedent("""\
        {% for b in books %}{{ b.title }}{% empty %}none{% endfor %}
        {% if a %}1{% elif b %}2{% else %}3{% endif %}
        {% cache 60 side %}{{ x }}{% endcache %}{% url 'a' b.c as link %}
        {% comment %}{% for %}{% endcomment %}{% endif %}
    """)
    )
    loop, condition, cache, url = [n for n in template.nodes if isinstance(n, Tag)]
    assert [
        len(loop.branches),
        len(condition.branches),
        len(cache.branches),
        len(url.branches),
    ] == [2, 3, 1, 0]
    assert isinstance(loop.body[0], Var) and loop.body[0].expr.head == "b.title"
    assert condition.branch_bits(1)[0].text == "b"
    assert template.errors == [
        (template.text.rindex("{% endif %}"), "`endif` without `if`")
    ]
    assert not list(template.tags("for"))[1:], "the tags inside a comment are not read"


def test_unclosed_tags_are_errors_not_crashes() -> None:
    template = parse_template("{% for a in b %}{% if c %}x")
    assert [message for _, message in template.errors] == [
        "unclosed tag `if`",
        "unclosed tag `for`",
    ]


def test_expressions_keep_offsets_and_split_filters_outside_quotes() -> None:
    expr = parse_expr(' book.author.name|default:"a|b"|truncatechars:n.size ', 10)
    assert (expr.head, expr.start, expr.literal) == ("book.author.name", 11, False)
    assert [
        (f.name, f.argument.head if f.argument else None) for f in expr.filters
    ] == [("default", '"a|b"'), ("truncatechars", "n.size")]
    assert expr.part_end(1) == 11 + len("book.author")
    assert parse_expr('_("Hi")', 0).literal and parse_expr("42", 0).literal


def test_masked_text_hides_template_syntax_comments_and_scripts() -> None:
    text = '<a href="{% url "x" %}">{{ y }}</a><!-- <form> --><script>"<form>"</script>{% verbatim %}<form>{% endverbatim %}'
    masked = masked_text(parse_template(text))
    assert masked.count("<form>") == 0 and masked.startswith('<a href="')
    assert "<script>" in masked and "</a>" in masked


# -- discovery and links ------------------------------------------------------------------
LIBRARY = _folder_files(PROJECTS / "library")


def _project(tmp_path: Path, files: dict[str, str]):
    return make_project(
        tmp_path,
        {**LIBRARY, **{k: textwrap.dedent(v) for k, v in files.items()}},
        ("DJV105", "DJV226", "DJV227", "DJV507"),
    )


def test_dirs_templates_come_before_app_templates(tmp_path: Path) -> None:
    settings_text = (
        LIBRARY["mysite/settings.py"]
        + '\nTEMPLATES = [{"DIRS": [BASE_DIR / "templates"]}]\n'
    )
    project = _project(
        tmp_path,
        {
            "mysite/settings.py": "BASE_DIR = None\n" + settings_text,
            "library/templates/library/x.html": "app",
            "templates/library/x.html": "project",
        },
    )
    found = template_files(project).find("library/x.html")
    assert found == str(tmp_path / "templates/library/x.html")


VIEWS = """\
    from django.shortcuts import render
    from django.template.response import TemplateResponse
    from django.views.generic import DetailView, ListView
    from library.models import Author, Book

    def by_dict(request):
        context = {"title": "Books"}
        context["books"] = Book.objects.all()
        context.update(authors=Author.objects.all())
        return render(request, "library/a.html", context)

    def by_locals(request):
        books = Book.objects.all()
        return TemplateResponse(request, ["library/missing.html", "library/b.html"], locals())

    class Books(ListView):
        model = Book
        context_object_name = "shelf"

        def get_context_data(self, **kwargs):
            context = super().get_context_data(**kwargs)
            context["authors"] = Author.objects.all()
            return context

    class OneBook(DetailView):
        queryset = Book.objects.select_related("author")
"""


def test_renders_read_names_and_contexts(tmp_path: Path) -> None:
    project = _project(tmp_path, {"library/views.py": VIEWS})
    path = str(tmp_path / "library/views.py")
    renders = {
        r.label: r for r in renders_in(project, path, project.document(path).tree)
    }
    assert set(renders) == {"by_dict", "by_locals", "Books", "OneBook"}
    assert set(renders["by_dict"].context) == {"title", "books", "authors"}
    assert renders["by_locals"].names == ("library/missing.html", "library/b.html")
    assert "books" in renders["by_locals"].context
    assert renders["Books"].names == ("library/book_list.html",)
    assert {"object_list", "page_obj", "shelf", "authors"} <= set(
        renders["Books"].context
    )
    assert renders["OneBook"].names == ("library/book_detail.html",)
    assert {"object", "book"} <= set(renders["OneBook"].context)


def test_inherited_view_attributes_and_reaching_renders(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "library/base_views.py": """\
            from django.views.generic import ListView
            from library.models import Book

            class BookBase(ListView):
                template_name = "library/shelf.html"
                context_object_name = "books"

                def get_queryset(self):
                    return Book.objects.all()
        """,
            "library/views.py": """\
            from library.base_views import BookBase

            class ShelfView(BookBase):
                paginate_by = 10
        """,
            "library/templates/library/shelf.html": "{% for b in books %}{% include 'library/row.html' %}{% endfor %}",
            "library/templates/library/row.html": "{{ b.author.name }}",
        },
    )
    row = str(tmp_path / "library/templates/library/row.html")
    reaching = renders_reaching(project, row)
    assert sorted(r.label for r in reaching) == ["BookBase", "ShelfView"]
    reads = render_reads(project, reaching[0], Evaluators(project))
    assert [(a.text, a.template) for a in missing_reads(project, reads)] == [
        ("b.author", row)
    ]


# -- DJV105 --------------------------------------------------------------------------------
def _check(project, relative: str, code: str):
    document = project.document(str(project.root / relative))
    return [d for d in check_document(document, project) if d.code == code]


LOOP_VIEW = """\
    from django.shortcuts import render
    from library.models import Book

    def books(request):
        return render(request, "library/list.html", {"books": Book.objects.all()})
"""


@pytest.mark.parametrize(
    ("template", "reads"),
    [
        (
            "{% for b in books %}{% with a=b.author %}{{ a.name }}{% endwith %}{% endfor %}",
            ["b.author"],
        ),
        (
            "{% for b in books %}{% if b.publisher %}x{% endif %}{% endfor %}",
            ["b.publisher"],
        ),
        ("{% for b in books %}{{ b.author|default:'-' }}{% endfor %}", ["b.author"]),
        (
            "{% for b in books %}{{ b }}{% endfor %}",
            ["b"],
        ),  # Book.__str__ reads self.author
        (
            "{% for b in books %}{{ b.author_name }}{% endfor %}",
            ["b.author_name"],
        ),  # a property
        (
            "{% for b in books %}{{ b.tags.count }}{% for t in b.tags.all %}{% endfor %}{% endfor %}",
            ["b.tags.count"],
        ),
        (
            "{% regroup books by author as groups %}{% for g in groups %}{{ g.grouper }}{% endfor %}",
            ["author"],
        ),
        (
            "{% for b in books %}{% include 'library/row.html' with book=b only %}{% endfor %}",
            ["book.author"],
        ),
    ],
)
def test_template_reads(tmp_path: Path, template: str, reads: list[str]) -> None:
    project = _project(
        tmp_path,
        {
            "library/views.py": LOOP_VIEW,
            "library/templates/library/list.html": template,
            "library/templates/library/row.html": "{{ book.author.name }}",
        },
    )
    where = "library/templates/library/" + (
        "row.html" if "include" in template else "list.html"
    )
    found = _check(project, where, "DJV105")
    assert [d.message.split("`")[1] for d in found] == reads


@pytest.mark.parametrize(
    "template",
    [
        "{% for b in books %}{{ b.author_id }}{{ b.title }}{% endfor %}",
        "{{ books.0.author.name }}",  # one row, one query
        "{% for b in books %}{% include 'library/row.html' only %}{% endfor %}",  # `only`: no `book`
        "{% for b in other %}{{ b.author.name }}{% endfor %}",  # not from the view
        "{% for b in books %}{{ b.tags.first.name }}{% endfor %}",  # unordered `first()`: bypass, no fix
    ],
)
def test_template_reads_that_are_not_findings(tmp_path: Path, template: str) -> None:
    project = _project(
        tmp_path,
        {
            "library/views.py": LOOP_VIEW,
            "library/templates/library/list.html": template,
            "library/templates/library/row.html": "{{ book.author.name }}",
        },
    )
    assert _check(project, "library/templates/library/list.html", "DJV105") == []
    assert _check(project, "library/templates/library/row.html", "DJV105") == []
    assert _check(project, "library/views.py", "DJV105") == []


def test_template_fix_edits_the_view_and_clears_both_sides(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "library/views.py": LOOP_VIEW,
            "library/templates/library/list.html": "{% for b in books %}{{ b.author.name }}{{ b.tags.all }}{% endfor %}",
        },
    )
    [first, second] = _check(project, "library/templates/library/list.html", "DJV105")
    view = str(tmp_path / "library/views.py")
    assert first.fix.applicability is Applicability.SAFE and {
        e.path for e in first.fix.edits
    } == {view}
    assert first.fix == second.fix, "one edit loads everything the loop reads"
    assert first.related[0].path == view
    result = Result()
    _fix_file(
        project,
        project.document(str(tmp_path / "library/templates/library/list.html")),
        Applicability.SAFE,
        result,
    )
    assert list(result.fixed) == [view]
    assert (
        'Book.objects.select_related("author").prefetch_related("tags").all()'
        in Path(view).read_text()
    )
    assert _check(project, "library/templates/library/list.html", "DJV105") == []


def test_view_side_reports_at_the_queryset_and_is_unsafe_through_a_base_class(
    tmp_path: Path,
) -> None:
    project = _project(
        tmp_path,
        {
            "library/base_views.py": """\
            from django.views.generic import ListView
            from library.models import Book

            class BookBase(ListView):
                template_name = "library/list.html"
                context_object_name = "books"

                def get_queryset(self):
                    return Book.objects.all()
        """,
            "library/views.py": "from library.base_views import BookBase\n\n\nclass ShelfView(BookBase):\n    pass\n",
            "library/templates/library/list.html": "{% for b in books %}{{ b.author.name }}{% endfor %}",
        },
    )
    [in_base] = _check(project, "library/base_views.py", "DJV105")
    assert (
        in_base.span.start_line == 8 and in_base.fix.applicability is Applicability.SAFE
    )
    [in_view] = _check(project, "library/views.py", "DJV105")
    assert in_view.span.start_line == 3, (
        "reported at the class: its queryset is built elsewhere"
    )
    assert in_view.fix.applicability is Applicability.UNSAFE


# -- DJV226, DJV227, DJV507 -------------------------------------------------------------------
def test_csrf_insertion_keeps_crlf_and_indentation(tmp_path: Path) -> None:
    text = '<div>\r\n\t<form method="post">\r\n\t\t<button>Go</button>\r\n\t</form>\r\n</div>\r\n'
    project = _project(tmp_path, {"library/templates/library/f.html": ""})
    (tmp_path / "library/templates/library/f.html").write_bytes(text.encode())
    _fix_file(
        project,
        project.document(str(tmp_path / "library/templates/library/f.html")),
        Applicability.SAFE,
        Result(),
    )
    fixed = (tmp_path / "library/templates/library/f.html").read_bytes().decode()
    assert fixed == text.replace('"post">\r\n', '"post">\r\n\t\t{% csrf_token %}\r\n')


def test_autoescape_off_in_settings(tmp_path: Path) -> None:
    settings_text = LIBRARY["mysite/settings.py"] + (
        '\nTEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",'
        ' "OPTIONS": {"autoescape": False}}]\nTEMPLATES[0]["OPTIONS"]["autoescape"] = False\n'
    )
    project = _project(tmp_path, {"mysite/settings.py": settings_text})
    found = _check(project, "mysite/settings.py", "DJV227")
    assert [d.span.start_line for d in found] == [
        settings_text.count("\n") - 2,
        settings_text.count("\n") - 1,
    ]


@pytest.mark.parametrize(
    ("url", "level"),
    [
        ("/static/css/site.css", Applicability.SAFE),  # the file exists
        (
            "/static/css/gone.css",
            Applicability.UNSAFE,
        ),  # a manifest storage would raise
        ("/assets/css/site.css", Applicability.SAFE),  # the project's STATIC_URL
    ],
)
def test_static_fix_is_safe_only_for_files_that_exist(
    tmp_path: Path, url: str, level: Applicability
) -> None:
    project = _project(
        tmp_path,
        {
            "mysite/settings.py": LIBRARY["mysite/settings.py"]
            + '\nSTATIC_URL = "assets/"\n',
            "library/static/css/site.css": "body {}",
            "library/templates/library/p.html": f'{{% extends "base.html" %}}\n<link href="{url}">\n',
        },
    )
    [found] = _check(project, "library/templates/library/p.html", "DJV507")
    assert found.fix.applicability is level
    assert [e.new_text for e in found.fix.edits] == [
        "\n{% load static %}",
        f"{{% static '{url.split('/', 2)[2]}' %}}",
    ]


def test_findings_cache_sees_templates_change_views_and_includes(
    tmp_path: Path,
) -> None:
    from djvet.checker import check_files, collect_files
    from djvet.core.config import Config
    from djvet.project.cache import FindingsCache
    from djvet.project.index import ProjectIndex

    _project(
        tmp_path,
        {
            "library/views.py": LOOP_VIEW,
            "library/templates/library/list.html": "{% for b in books %}{% endfor %}",
            "library/templates/library/row.html": "{{ b.author.name }}",
        },
    )

    def run() -> list[tuple[str, int]]:
        project = ProjectIndex(tmp_path, Config(root=tmp_path, select=("DJV105",)))
        result = check_files(
            project,
            collect_files(project, [str(tmp_path)]),
            jobs=1,
            cache=FindingsCache(tmp_path).load(),
        )
        return sorted(
            (Path(d.path).name, d.span.start_line) for d in result.diagnostics
        )

    assert run() == []
    (tmp_path / "library/templates/library/list.html").write_text(
        "{% for b in books %}{% include 'library/row.html' %}{% endfor %}"
    )
    assert run() == [("row.html", 0), ("views.py", 4)], (
        "the includer changed: row.html and the view"
    )
