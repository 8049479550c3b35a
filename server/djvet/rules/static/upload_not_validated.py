"""
## What it does
Flags a model `FileField` without `validators=` that users upload to through a
`ModelForm` or DRF `ModelSerializer` of the project (which runs the model field's
validators), when nothing else validates it: no `clean_<field>()` (forms) or
`validate_<field>()` (serializers) method, no form field declared in its place, no
`clean()` of the model reading the field. Files the application writes itself (exports,
invoices) and fields a view assigns by hand are not flagged.

`ImageField` is not flagged: Django gives it `validate_image_file_extension`, and its
form field checks that the upload is an image Pillow can open.

## Why is this bad?
Without validation a `FileField` accepts any file a user sends: HTML or SVG that runs
script when served from your domain, executables, archives built to exhaust the disk.
Restricting the extensions is the first line of defence (with a size limit, and serving
uploads from another domain).

## Example
```python
from django import forms
from django.db import models


class Document(models.Model):
    file = models.FileField(upload_to="documents/%Y/%m/")


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file"]
```

## Use instead
```python
from django import forms
from django.core.validators import FileExtensionValidator
from django.db import models


class Document(models.Model):
    file = models.FileField(
        upload_to="documents/%Y/%m/",
        validators=[FileExtensionValidator(allowed_extensions=["pdf", "docx", "txt"])],
    )


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file"]
```

## Fix safety
Unsafe: the fix guesses the allowed extensions from the field's name and `upload_to`
(images for `avatar`/`photo`/`logo`, `csv` for `csv`, else `pdf`, `docx`, `txt`), and
uploads of any other type start failing validation. Review the list. Validators run in
forms, the admin and DRF serializers — not on `save()` — and need a migration
(`makemigrations` records them).

## References
- `FileExtensionValidator`: https://docs.djangoproject.com/en/stable/ref/validators/#fileextensionvalidator
- File uploads, security: https://docs.djangoproject.com/en/stable/topics/security/#user-uploaded-content
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Fix, Span
from djvet.core.parso_utils import call_arguments, code_of, string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.models import model_graph
from djvet.project.modules import imported_module
from djvet.rules.security._code import import_edits
from djvet.rules.static._exposure import exposed
from djvet.rules.static._uploads import add_keyword, validated_names

RULE = Rule(
    code="DJV505",
    name="upload-not-validated",
    family=Family.STATIC,
    message="`FileField` accepts any uploaded file; restrict it with `validators=`",
    fix=FixAvailability.ALWAYS,
    fix_title="Restrict the allowed file extensions",
    applies_to=FileRole.MODELS,
    excludes=FileRole.TESTS | FileRole.MIGRATIONS,
)
FILE_FIELD = "django.db.models.FileField"
_GUESSES = (
    (
        re.compile(
            r"image|photo|picture|avatar|logo|icon|banner|thumbnail|cover|portrait"
        ),
        ["jpg", "jpeg", "png", "gif", "webp"],
    ),
    (re.compile(r"csv"), ["csv"]),
    (re.compile(r"pdf|invoice|receipt"), ["pdf"]),
    (re.compile(r"audio|sound|podcast|mp3"), ["mp3", "ogg", "wav"]),
    (re.compile(r"video|movie|clip"), ["mp4", "webm"]),
)
_DEFAULT = ["pdf", "docx", "txt"]


@RULE.on("expr_stmt")
def check_file_field(ctx: FileContext, stmt: Any) -> Iterator[Diagnostic]:
    children = stmt.children
    if len(children) != 3 or children[0].type != "name" or children[1] != "=":
        return
    call = children[2]
    if (
        call.type not in ("atom_expr", "power")
        or call.children[-1].type != "trailer"
        or call.children[-1].children[0] != "("
        or not _in_class_body(stmt)
    ):
        return
    if _qualified(ctx, call.children[:-1]) != FILE_FIELD:
        return
    trailer = call.children[-1]
    _, keywords = call_arguments(
        trailer.children[1] if len(trailer.children) == 3 else None
    )
    editable = keywords.get("editable")
    if "validators" in keywords or (
        editable is not None and code_of(editable) == "False"
    ):
        return
    name = children[0].value
    if name in validated_names(ctx.project) or _model_clean_reads(stmt, name):
        return
    if not _uploaded_through_forms(ctx, stmt, name):
        return
    extensions = _guess(name, keywords.get("upload_to"))
    listed = ", ".join(f'"{e}"' for e in extensions)
    text = f"validators=[FileExtensionValidator(allowed_extensions=[{listed}])]"
    edits = [
        add_keyword(call, text),
        *import_edits(ctx, "django.core.validators", "FileExtensionValidator"),
    ]
    title = f"Only accept {', '.join(f'`{e}`' for e in extensions)} uploads"
    yield RULE.diagnostic(ctx, Span.of(call), fix=Fix.unsafe(title, *edits))


def _qualified(ctx: FileContext, head: list[Any]) -> str | None:
    """`django.db.models.FileField` for `models.FileField` or `FileField`."""
    if head[0].type != "name" or any(
        t.type != "trailer" or t.children[0] != "." for t in head[1:]
    ):
        return None
    first = head[0].value
    rest = ".".join(t.children[1].value for t in head[1:])
    module = imported_module(ctx.tree, first, ctx.path)
    if module is None:
        return None
    return f"{module}.{rest}" if rest else module


def _uploaded_through_forms(ctx: FileContext, stmt: Any, name: str) -> bool:
    """A ModelForm or ModelSerializer writes the field: the validators would run there.
    Files the application writes itself (exports, invoices) are not uploads."""
    cls = stmt.parent
    while cls is not None and cls.type != "classdef":
        cls = cls.parent
    model = (
        model_graph(ctx.project).resolve(ctx.path, ctx.tree, cls.name.value)
        if cls
        else None
    )
    return model is not None and exposed(ctx.project, model.label, name)


def _in_class_body(stmt: Any) -> bool:
    parent = stmt.parent
    while parent is not None and parent.type in ("simple_stmt", "suite"):
        parent = parent.parent
    return parent is not None and parent.type == "classdef"


def _model_clean_reads(stmt: Any, name: str) -> bool:
    """The model's own `clean()` / `full_clean()` reads the field."""
    cls = stmt.parent
    while cls is not None and cls.type != "classdef":
        cls = cls.parent
    if cls is None:
        return False
    for function in cls.iter_funcdefs():
        if function.name.value in ("clean", "full_clean", "clean_fields") and re.search(
            rf"\bself\.{re.escape(name)}\b", function.get_code()
        ):
            return True
    return False


def _guess(name: str, upload_to: Any) -> list[str]:
    hint = name.lower()
    if upload_to is not None:
        hint += " " + (string_value(upload_to) or "").lower()
    for pattern, extensions in _GUESSES:
        if pattern.search(hint):
            return extensions
    return _DEFAULT
