from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.book_list, name="book-list"),
    path("new/", views.book_create, name="book-create"),
    path("lookup/", views.book_lookup, name="book-lookup"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("authors/<int:pk>/", views.author_detail, name="author-detail"),
    path("<slug:slug>/", views.BookDetailView.as_view(), name="book-detail"),
    path("<slug:slug>/review/", views.add_review, name="book-review"),
]
