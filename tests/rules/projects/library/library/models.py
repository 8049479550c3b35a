from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    pass


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Author(models.Model):
    name = models.CharField(max_length=100)
    mentor = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
    user = models.OneToOneField("library.User", null=True, on_delete=models.SET_NULL)


class Tag(models.Model):
    name = models.CharField(max_length=50)


class BookQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_author(self):
        return self.select_related("author")


class Book(models.Model):
    title = models.CharField(max_length=200)
    is_published = models.BooleanField(default=False)
    author = models.ForeignKey(Author, related_name="books", on_delete=models.CASCADE)
    publisher = models.ForeignKey(Publisher, null=True, on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag, related_name="books")

    objects = BookQuerySet.as_manager()

    def __str__(self):
        return f"{self.title} by {self.author.name}"

    @property
    def author_name(self):
        return self.author.name


class Chapter(models.Model):
    book = models.ForeignKey(Book, related_name="chapters", on_delete=models.CASCADE)
    editor = models.ForeignKey(Author, related_name="edited_chapters", on_delete=models.CASCADE)
    title = models.CharField(max_length=100)


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE)
    bio = models.TextField()
