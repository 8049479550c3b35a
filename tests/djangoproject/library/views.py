"""Views whose templates walk relations (the template half of the ground truth).

Each slow view has a `*_fast` twin rendering the same template from a queryset that
loads what the template reads; both must produce the same page.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import ListView, TemplateView

from library.models import Author, Book, Publisher, Tag


def book_list(request: HttpRequest) -> HttpResponse:
    books = Book.objects.all()  # expect: DJV105
    return render(request, "library/book_list.html", {"books": books})


def book_list_fast(request: HttpRequest) -> HttpResponse:
    books = Book.objects.select_related("author").prefetch_related("tags")
    return render(request, "library/book_list.html", {"books": books})


def book_cards(request: HttpRequest) -> HttpResponse:
    # The relation is read inside an `{% include %}`d template.
    books = Book.objects.order_by("title")  # expect: DJV105
    return render(request, "library/book_cards.html", {"books": books})


def tag_list(request: HttpRequest) -> HttpResponse:
    # The relation is read through `{% with %}`.
    return render(request, "library/tag_list.html", {"tags": Tag.objects.all()})  # expect: DJV105


class AuthorListView(ListView):
    # No `get_queryset`: the queryset comes from `model`.
    model = Author  # expect: DJV105


class AuthorListFastView(ListView):
    queryset = Author.objects.select_related("mentor").prefetch_related("books")
    template_name = "library/author_list.html"


class PublisherListView(ListView):
    context_object_name = "publishers"
    template_name = "library/publisher_list.html"

    def get_queryset(self) -> QuerySet[Publisher]:
        return Publisher.objects.all()  # expect: DJV105


class PublisherListFastView(PublisherListView):
    def get_queryset(self) -> QuerySet[Publisher]:
        return Publisher.objects.prefetch_related("book_set")


class BookTitlesView(TemplateView):
    # The queryset comes from `get_context_data`; the template reads `author` only
    # through `Book.__str__` (`{{ b }}`).
    template_name = "library/book_titles.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["books"] = Book.objects.all()  # expect: DJV105
        return context


class BookTitlesFastView(BookTitlesView):
    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["books"] = Book.objects.select_related("author")
        return context
