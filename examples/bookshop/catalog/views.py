import csv
import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from . import services
from .forms import BookForm, ReviewForm
from .models import Author, Book, Chapter, Review, Tag


def home(request):
    return render(
        request,
        "catalog/home.html",
        {"bestsellers": services.bestsellers(), "tags": services.tag_cloud()},
    )


def healthz(request):
    connection.ensure_connection()
    return JsonResponse({"status": "ok"})


def book_list(request):
    books = Book.objects.filter(is_published=True)
    tag = None
    if request.GET.get("tag"):
        tag = get_object_or_404(Tag, slug=request.GET["tag"])
        books = books.filter(tags=tag)
    return render(request, "catalog/book_list.html", {"books": books, "tag": tag})


class BookDetailView(DetailView):
    model = Book

    def get_queryset(self):
        return Book.objects.select_related("author", "publisher").prefetch_related(
            "tags",
            Prefetch("chapters", queryset=Chapter.objects.select_related("editor")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviews"] = self.object.reviews.select_related("user")
        context["review_form"] = ReviewForm()
        user = self.request.user
        context["has_reviewed"] = (
            user.is_authenticated and self.object.reviews.filter(user=user).exists()
        )
        return context


class AuthorListView(ListView):
    model = Author
    paginate_by = 25


def author_detail(request, pk):
    author = get_object_or_404(Author, pk=pk)
    books = services.books_with_chapters(author)
    return render(request, "catalog/author_detail.html", {"author": author, "books": books})


@login_required
@require_POST
def add_review(request, slug):
    book = get_object_or_404(Book, slug=slug, is_published=True)
    existing = Review.objects.filter(book=book, user=request.user)
    if existing:
        messages.info(request, "You have already reviewed this book.")
        return redirect(book)
    form = ReviewForm(request.POST)
    if form.is_valid():
        review = form.save(commit=False)
        review.book = book
        review.user = request.user
        review.save()
        messages.success(request, "Thanks for your review!")
    else:
        messages.error(request, "Please give a rating between 1 and 5 and a few words.")
    return redirect(book)


@staff_member_required
def book_create(request):
    form = BookForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        book = form.save()
        messages.success(request, f"{book} was added to the catalogue.")
        return redirect(book)
    return render(request, "catalog/book_form.html", {"form": form})


def book_lookup(request):
    """Tiny JSON endpoint used by the point-of-sale barcode scanner."""
    books = list(services.find_by_isbn(request.GET.get("isbn", "")))
    if not books:
        return JsonResponse({"error": "not found"}, status=404)
    book = books[0]
    data = {
        "isbn": book.isbn,
        "title": book.title,
        "author_id": book.author.id,
        "price": str(book.price),
        "stock": book.stock,
    }
    return HttpResponse(json.dumps(data), content_type="application/json")


@staff_member_required
def dashboard(request):
    context = {
        "stats": services.catalog_stats(),
        "authors": services.authors_with_books(),
        "publication_counts": services.author_publication_counts(),
        "editorial": services.editorial_report(),
    }
    return render(request, "catalog/dashboard.html", context)


@staff_member_required
def export_csv(request):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="catalogue.csv"'
    writer = csv.writer(response)
    writer.writerows(services.export_rows())
    return response

