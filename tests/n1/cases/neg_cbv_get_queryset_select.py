"""A ListView whose `get_queryset()` selects what `get_context_data()` reads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.test import RequestFactory
from django.views.generic import ListView
from library.models import Book


class PublishedBookList(ListView):
    template_name = "library/book_list.html"

    def get_queryset(self) -> QuerySet[Book]:
        return Book.objects.select_related("author").filter(is_published=True)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["authors"] = [b.author.name for b in self.object_list]
        return context


def run() -> list[str]:
    response = PublishedBookList.as_view()(RequestFactory().get("/books/"))
    return response.context_data["authors"]
