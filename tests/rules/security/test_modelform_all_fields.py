"""DJV232/DJV233: the explicit `fields` list djvet suggests is what Django's `"__all__"`
gives today, checked against Django itself on the ground-truth project's models."""

from __future__ import annotations

import ast

import pytest

from n1.djvet_bridge import findings, project_index
from n1.runner import copy_project, install_cases, run_cases
from rules.harness import check_flags, check_noop

MODELS = ("Author", "Book", "Chapter", "Profile", "Publisher", "Review", "Tag", "User")
FORMS = (
    f"from django import forms\n\nfrom library.models import {', '.join(MODELS)}\n\n"
    + "".join(
        f"\n\nclass {name}Form(forms.ModelForm):\n    class Meta:\n        model = {name}\n"
        '        fields = "__all__"\n'
        for name in MODELS
    )
)
DJANGO_FIELDS = f"""
from django.forms import modelform_factory

from library.models import {", ".join(MODELS)}


def run():
    return {{model.__name__: list(modelform_factory(model, fields="__all__").base_fields)
             for model in ({", ".join(MODELS)},)}}
"""


@pytest.fixture(scope="module")
def suggested(tmp_path_factory):
    project_dir = copy_project(tmp_path_factory.mktemp("forms"))
    path = project_dir / "library" / "forms.py"
    path.write_text(FORMS, encoding="utf-8")
    found = findings(project_index(project_dir, ("DJV232",)), path, ("DJV232",))
    lists = {}
    for diagnostic in found:
        name = diagnostic.message.split("`")[1].removesuffix("Form")
        assert diagnostic.fix is not None and diagnostic.fix.edits, diagnostic.message
        lists[name] = ast.literal_eval(diagnostic.fix.edits[0].new_text)
    install_cases(project_dir, {"form_fields": DJANGO_FIELDS})
    run = run_cases({"form_fields": DJANGO_FIELDS}, project_dir, sizes=(1,))[
        "form_fields"
    ]
    assert run.error is None, run.describe()
    return lists, run.results[1]


@pytest.mark.parametrize("model", MODELS)
def test_suggested_fields_are_djangos(suggested, model):
    lists, django = suggested
    assert lists[model] == django[model]


def test_exclude_suggestion_leaves_the_other_fields(tmp_path):
    found = check_flags(
        """\
        from django import forms

        from library.models import Book


        class BookForm(forms.ModelForm):
            class Meta:
                model = Book
                exclude = ["publisher", "tags"]
        """,
        "DJV233",
        tmp_path,
        path="library/forms.py",
        project="library",
    )
    assert (
        found[0].fix.edits[0].new_text == 'fields = ["title", "is_published", "author"]'
    )


def test_factories_and_views(tmp_path):
    found = check_flags(
        """\
        from django.forms import inlineformset_factory
        from django.views.generic import CreateView

        from library.models import Book, Chapter

        Chapters = inlineformset_factory(Book, Chapter, fields="__all__")


        class NewBook(CreateView):
            model = Book
            fields = "__all__"
        """,
        "DJV232",
        tmp_path,
        path="library/views.py",
        project="library",
    )
    assert [d.span.start_line for d in found] == [5, 10]


def test_project_base_in_another_module(tmp_path):
    files = {
        "library/base.py": "from django import forms\n\n\nclass Base(forms.ModelForm):\n    pass\n"
    }
    found = check_flags(
        """\
        from library.base import Base
        from library.models import Book


        class BookForm(Base):
            class Meta:
                model = Book
                fields = "__all__"
        """,
        "DJV232",
        tmp_path,
        path="library/forms.py",
        files=files,
    )
    assert found[0].span.start_line == 7


def test_plain_forms_are_not_model_forms(tmp_path):
    check_noop(
        """\
        from django import forms


        class Search(forms.Form):
            class Meta:
                fields = "__all__"
        """,
        "DJV232",
        tmp_path,
        path="library/forms.py",
    )


def test_a_pylint_disable_above_is_honoured(tmp_path):
    check_noop(
        """\
        from django import forms

        from library.models import Book


        class BookForm(forms.ModelForm):
            class Meta:
                model = Book
                # pylint: disable=modelform-uses-exclude
                exclude = ("publisher",)
        """,
        "DJV233",
        tmp_path,
        path="library/forms.py",
        project="library",
    )
