from django.contrib import admin

from .models import Author, Book, Chapter, Publisher, Review, Tag


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "website")
    search_fields = ("name",)


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0
    autocomplete_fields = ("editor",)


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "publisher", "price", "stock", "is_published")
    list_filter = ("is_published", "tags")
    search_fields = ("title", "isbn", "author__name")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("tags",)
    inlines = [ChapterInline]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ("title", "book", "number", "editor")
    list_select_related = ("book", "editor")
    search_fields = ("title", "book__title")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("book", "user", "rating", "created_at")
    list_select_related = ("book",)
    list_filter = ("rating",)
    search_fields = ("book__title", "user__username")
