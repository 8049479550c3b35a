from __future__ import annotations

from django.contrib import admin
from django.urls import path

from library import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("books/", views.book_list, name="book-list"),
    path("books/fast/", views.book_list_fast, name="book-list-fast"),
    path("books/cards/", views.book_cards, name="book-cards"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("authors/fast/", views.AuthorListFastView.as_view(), name="author-list-fast"),
    path("publishers/", views.PublisherListView.as_view(), name="publisher-list"),
    path(
        "publishers/fast/",
        views.PublisherListFastView.as_view(),
        name="publisher-list-fast",
    ),
    path("tags/", views.tag_list, name="tag-list"),
    path("books/titles/", views.BookTitlesView.as_view(), name="book-titles"),
    path(
        "books/titles/fast/", views.BookTitlesFastView.as_view(), name="book-titles-fast"
    ),
]
