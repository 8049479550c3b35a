"""Catalogue queries shared by the views, the dashboard and the management commands."""

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, Sum

from .models import Author, Book, Chapter, Review, Tag


def bestsellers(limit=10):
    books = cache.get("bestsellers")
    if books is None:
        books = list(
            Book.objects.filter(is_published=True)
            .select_related("author")
            .annotate(sold=Sum("orderitem__quantity"))
            .filter(sold__gt=0)
            .order_by("-sold")[:limit]
        )
        cache.set("bestsellers", books, 60 * 60)
    return books


def tag_cloud():
    tags = cache.get("catalog:tag-cloud")
    if tags is None:
        tags = list(
            Tag.objects.annotate(book_count=Count("books", filter=Q(books__is_published=True)))
            .filter(book_count__gt=0)
            .values("name", "slug", "book_count")
        )
        cache.set("catalog:tag-cloud", tags, 60 * 15)
    return tags


def catalog_stats():
    return {
        "books": len(Book.objects.filter(is_published=True)),
        "authors": Author.objects.count(),
        "reviews": Review.objects.count(),
    }


def export_rows():
    rows = [["ISBN", "Title", "Author", "Publisher", "Price", "Stock"]]
    for book in Book.objects.all():
        rows.append(
            [
                book.isbn,
                book.title,
                book.author.name,
                book.publisher.name if book.publisher else "",
                str(book.price),
                book.stock,
            ]
        )
    return rows


def authors_with_books():
    result = []
    for author in Author.objects.all():
        titles = [book.title for book in author.books.all()]
        result.append({"author": author, "titles": titles})
    return result


def author_publication_counts():
    counts = {}
    for author in Author.objects.all():
        counts[author.name] = author.books.filter(is_published=True).count()
    return counts


def editorial_report():
    report = []
    books = Book.objects.select_related("author").prefetch_related("chapters")
    for book in books:
        editors = set()
        for chapter in book.chapters.all():
            if chapter.editor:
                editors.add(chapter.editor.username)
        report.append({"book": book, "chapters": len(book.chapters.all()), "editors": sorted(editors)})
    return report


def books_with_chapters(author):
    """Every book of `author` with its chapters and their editors, in three queries."""
    return author.books.select_related("publisher").prefetch_related(
        "tags",
        Prefetch("chapters", queryset=Chapter.objects.select_related("editor")),
    )


def find_by_isbn(isbn):
    isbn = isbn.replace("-", "").strip()
    return Book.objects.raw(f"SELECT * FROM catalog_book WHERE isbn = '{isbn}'")


def recommend_for(user: User, limit=5):
    reviewed = Book.objects.filter(reviews__user=user)
    return (
        Book.objects.filter(is_published=True, tags__books__in=reviewed)
        .exclude(pk__in=reviewed)
        .select_related("author")
        .distinct()[:limit]
    )
