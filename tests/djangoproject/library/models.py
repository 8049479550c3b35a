"""Models of the N+1 ground-truth project.

The relations are chosen so each kind of accessor djvet must resolve is present:
`related_name` (`author.books`, `book.chapters`), default `<model>_set` names
(`publisher.book_set`, reverse M2M `tag.book_set`), a `'self'` FK (`author.mentor`),
O2O to `AUTH_USER_MODEL` (`author.user`, reverse `user.author`), a default reverse O2O
(`user.profile`), an FK inherited from an abstract base with `%(class)s`
(`book.created_by`, reverse `user.book_created`), custom managers and querysets.
Every model but `Review` is ordered by `id`, so results do not depend on SQLite's join
order.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Meta:
        ordering = ["id"]


class Timestamped(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="%(class)s_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Publisher(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AuthorQuerySet(models.QuerySet):
    def active(self) -> AuthorQuerySet:
        return self.filter(user__is_active=True)

    def with_mentor(self) -> AuthorQuerySet:
        return self.select_related("mentor")


class Author(models.Model):
    name = models.CharField(max_length=100)
    mentor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="mentees"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class BookQuerySet(models.QuerySet):
    def published(self) -> BookQuerySet:
        return self.filter(is_published=True)

    def with_author(self) -> BookQuerySet:
        return self.select_related("author")


class BookManager(models.Manager.from_queryset(BookQuerySet)):
    # A manager-only method: it is not on `BookQuerySet`, so `.recent()` must stay the
    # first call of a chain (a fix inserting `.select_related()` before it would break).
    def recent(self) -> BookQuerySet:
        return self.get_queryset().order_by("-id")


class Book(Timestamped):
    title = models.CharField(max_length=200)
    is_published = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    publisher = models.ForeignKey(
        Publisher, on_delete=models.SET_NULL, null=True, blank=True
    )
    tags = models.ManyToManyField(Tag, blank=True)

    objects = BookManager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} by {self.author.name}"

    @property
    def author_name(self) -> str:
        return self.author.name

    def publisher_label(self) -> str:
        return self.publisher.name if self.publisher_id else "-"


class ChapterManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("book")


class Chapter(Timestamped):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")
    editor = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="edited_chapters"
    )
    title = models.CharField(max_length=200)
    number = models.PositiveIntegerField()

    objects = ChapterManager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    # Deliberately without `Meta.ordering`: `first()` on an unordered relation adds
    # `order_by('pk')` and bypasses a prefetch; on an ordered one it reads the cache.
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.rating}/5"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    bio = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.bio
