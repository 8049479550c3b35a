"""A ListView with `model = Book` whose context reads the books' own columns."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from django.views.generic import ListView
from library.models import Book


class BookList(ListView):
    model = Book

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["titles"] = [b.title for b in self.object_list]
        return context


def run() -> list[str]:
    response = BookList.as_view()(RequestFactory().get("/books/"))
    return response.context_data["titles"]
