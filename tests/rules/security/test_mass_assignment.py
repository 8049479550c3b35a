"""DJV231 edge cases."""

from __future__ import annotations

import pytest

from rules.harness import check_flags, check_noop

CODE = "DJV231"
PATH = "library/views.py"


@pytest.mark.parametrize(
    "body",
    [
        "data = request.POST.copy()\n    Book.objects.create(**data)",
        "payload = json.loads(request.body)\n    Book.objects.filter(pk=1).update(**payload)",
        "Book.objects.get_or_create(**request.GET.dict())",
        "self_books = Book.objects.all()\n    self_books.update(**request.data)",
    ],
)
def test_flagged(tmp_path, body):
    check_flags(
        f"import json\n\nfrom library.models import Book\n\n\ndef v(request):\n    {body}\n",
        CODE,
        tmp_path,
        path=PATH,
        project="library",
    )


@pytest.mark.parametrize(
    "body",
    [
        "form_data = {'title': request.POST['title']}\n    Book.objects.create(**form_data)",
        "options.update(**request.GET.dict())",  # not a queryset
        "Book.objects.create(**cleaned)",
    ],
)
def test_not_flagged(tmp_path, body):
    check_noop(
        f"from library.models import Book\n\n\ndef v(request, options, cleaned):\n    {body}\n",
        CODE,
        tmp_path,
        path=PATH,
        project="library",
    )
