"""A ListView's `queryset` attribute iterated in `get_context_data()`."""

# golden-fix: queryset = Book.objects.all() => queryset = Book.objects.select_related("publisher").all()

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from django.views.generic import ListView
from library.models import Book


class BookList(ListView):
    queryset = Book.objects.all()
    template_name = "library/book_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        publishers = []
        for b in self.object_list:
            publishers.append(b.publisher.name)  # expect: DJV101
        context["publishers"] = publishers
        return context


def run() -> list[str]:
    response = BookList.as_view()(RequestFactory().get("/books/"))
    return response.context_data["publishers"]
