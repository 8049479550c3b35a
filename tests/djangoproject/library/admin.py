"""Admin changelists: `list_display` entries that read relations for every row.

Django's changelist calls `select_related()` without arguments when `list_display`
names an FK and `list_select_related` is unset: that follows non-null FKs only, so the
nullable `Book.publisher` stays one query per row while `Book.author` is loaded. It
applies neither that nor `list_select_related` when the model admin's queryset already
has a `select_related` (see `ChapterAdmin`).
"""

from __future__ import annotations

from django.contrib import admin

from library.models import Author, Book, Chapter, Profile, Publisher, Review, Tag


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "publisher")  # expect: DJV107


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "mentor_name")  # expect: DJV107

    @admin.display(description="mentor")
    def mentor_name(self, obj: Author) -> str:
        return obj.mentor.name if obj.mentor_id else "-"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "book_count")  # expect: DJV107

    @admin.display(description="books")
    def book_count(self, obj: Tag) -> int:
        return obj.book_set.count()


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    # A trap: the changelist applies `list_select_related` only when the queryset has no
    # `select_related` yet, and `ChapterManager.get_queryset` already selects `book`.
    # So this is ignored, and `str(chapter.book)` (it reads `book.author`) and `editor`
    # cost a query per row each.
    list_display = ("title", "book", "editor")  # expect: DJV107
    list_select_related = ("book__author", "editor")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    # `str(review.book)` reads `book.author`, hence `book__author`.
    list_display = ("text", "book")
    list_select_related = ("book__author",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    # `user` is a non-null FK: the changelist's automatic `select_related()` covers it.
    list_display = ("bio", "user")


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ("name",)
