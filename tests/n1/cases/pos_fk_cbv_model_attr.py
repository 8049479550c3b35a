"""A ListView with only `model = Author`, iterated in `get_context_data()`."""

# golden-fix: model = Author => queryset = Author.objects.select_related("mentor")

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from django.views.generic import ListView
from library.models import Author


class AuthorList(ListView):
    model = Author

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["mentors"] = [a.mentor.name for a in self.object_list]  # expect: DJV101
        return context


def run() -> list[str]:
    response = AuthorList.as_view()(RequestFactory().get("/authors/"))
    return response.context_data["mentors"]
