from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from tagging.models import TaggedItem

from .base import Catalogued, Owned
from .people import Author


class BookQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_author(self):
        return self.select_related("author")

    def _private(self):
        return self


class BookManager(models.Manager):
    def get_queryset(self):
        return BookQuerySet(self.model, using=self._db)

    def recent(self):
        return self.get_queryset().order_by("-id")[:10]


PublishedManager = models.Manager.from_queryset(BookQuerySet)


class Book(Owned, Catalogued):
    title = models.CharField(max_length=200)
    published = models.BooleanField(default=False)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    editor = models.ForeignKey("Author", null=True, on_delete=models.SET_NULL, related_name="edited_books")
    tags = GenericRelation(TaggedItem, related_query_name="book")
    genres = models.ManyToManyField("Genre", through="BookGenre", related_name="books")
    sequel = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="prequel"
    )

    objects = BookManager()
    published_books = PublishedManager()
    fancy = BookQuerySet.as_manager()

    @property
    def label(self):
        return f"{self.title} by {self.author}"

    def __str__(self):
        return self.title


class Genre(models.Model):
    name = models.CharField(max_length=50)


class BookGenre(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    genre = models.ForeignKey(Genre, on_delete=models.CASCADE)


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveIntegerField()


class Ebook(Book):
    url = models.URLField()


class AudioBook(Book):
    source_book = models.OneToOneField(
        Book, parent_link=True, on_delete=models.CASCADE, related_name="audio"
    )
    narrator = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="narrated")


class SpecialEbook(Ebook):
    edition = models.CharField(max_length=20)


class PublishedBook(Book):
    objects = PublishedManager()

    class Meta:
        proxy = True


class FeaturedBook(PublishedBook):
    class Meta:
        proxy = True


class Review(models.Model):
    book = models.ForeignKey(PublishedBook, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


class Magazine(Catalogued):
    title = models.CharField(max_length=200)
