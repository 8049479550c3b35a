"""DJV107 (admin changelists): edge cases on the shared `library` project.

The runtime proof (2 and 5 rows, logged-in superuser) is in tests/n1/test_djvet_n1.py.
"""

from __future__ import annotations

from rules.harness import (
    PROJECTS,
    _folder_files,
    check,
    check_fixed,
    check_flags,
    check_noop,
)

ADMIN = "library/admin.py"
CODE = "DJV107"
MANAGER_SELECTS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL)
    editor = models.ForeignKey(Author, null=True, related_name="+", on_delete=models.SET_NULL)


class ChapterManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().select_related("book")


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    title = models.CharField(max_length=100)

    objects = ChapterManager()
"""


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=ADMIN, project="library", **kwargs)


def noop(source, tmp_path, **kwargs):
    check_noop(source, CODE, tmp_path, path=ADMIN, project="library", **kwargs)


def fixed(before, after, tmp_path, files=None):
    project = files or _folder_files(PROJECTS / "library")
    check_fixed(before, after, CODE, tmp_path, path=ADMIN, files=project)


def test_default_list_display_reads_str(tmp_path):
    # No `list_display`: the changelist shows `str(book)`, which reads `book.author`.
    found = flags(
        """\
        from django.contrib import admin

        from library.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            search_fields = ("title",)
        """,
        tmp_path,
    )
    assert [(d.span.start_line, d.message) for d in found] == [
        (6, "`__str__` queries `author` once per row; add it to `list_select_related`")
    ]


def test_list_select_related_true_misses_nullable_fk(tmp_path):
    fixed(
        """\
        from django.contrib import admin

        from library.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ("title", "publisher")
            list_select_related = True
        """,
        """\
        from django.contrib import admin

        from library.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ("title", "publisher")
            list_select_related = ("publisher",)
        """,
        tmp_path,
    )


def test_fk_column_str_reads_deeper(tmp_path):
    # `str(chapter.book)` reads `book.author`; the explicit tuple names only `book`.
    fixed(
        """\
        from django.contrib import admin

        from library.models import Chapter


        @admin.register(Chapter)
        class ChapterAdmin(admin.ModelAdmin):
            list_display = ("title", "book")
            list_select_related = ["book"]
        """,
        """\
        from django.contrib import admin

        from library.models import Chapter


        @admin.register(Chapter)
        class ChapterAdmin(admin.ModelAdmin):
            list_display = ("title", "book")
            list_select_related = ["book", "book__author"]
        """,
        tmp_path,
    )


def test_manager_that_selects_makes_list_select_related_ignored(tmp_path):
    files = {"library/models.py": MANAGER_SELECTS}
    before = """\
        from django.contrib import admin

        from library.models import Chapter


        @admin.register(Chapter)
        class ChapterAdmin(admin.ModelAdmin):
            list_display = ("title", "book__author")
            list_select_related = ("book__author",)
        """
    found = check_flags(before, CODE, tmp_path / "a", path=ADMIN, files=files)
    assert "is ignored" in found[0].message
    fixed(
        before,
        """\
        from django.contrib import admin

        from library.models import Chapter


        @admin.register(Chapter)
        class ChapterAdmin(admin.ModelAdmin):
            list_display = ("title", "book__author")
            list_select_related = ("book__author",)

            def get_queryset(self, request):
                return super().get_queryset(request).select_related("book__author")
        """,
        tmp_path / "b",
        files=files,
    )


def test_get_queryset_override_is_extended(tmp_path):
    fixed(
        """\
        from django.contrib import admin

        from library.models import Author


        @admin.register(Author)
        class AuthorAdmin(admin.ModelAdmin):
            list_display = ("name", "titles")

            def get_queryset(self, request):
                return super().get_queryset(request).filter(name__startswith="A")

            def titles(self, obj):
                return [b.title for b in obj.books.all()]
        """,
        """\
        from django.contrib import admin

        from library.models import Author


        @admin.register(Author)
        class AuthorAdmin(admin.ModelAdmin):
            list_display = ("name", "titles")

            def get_queryset(self, request):
                return super().get_queryset(request).prefetch_related("books").filter(name__startswith="A")

            def titles(self, obj):
                return [b.title for b in obj.books.all()]
        """,
        tmp_path,
    )


def test_inherited_list_display_is_reported_at_the_class(tmp_path):
    found = flags(
        """\
        from django.contrib import admin

        from library.models import Book


        class BaseAdmin(admin.ModelAdmin):
            list_display = ("title", "publisher")


        @admin.register(Book)
        class BookAdmin(BaseAdmin):
            pass
        """,
        tmp_path,
    )
    assert [d.span.start_line for d in found] == [10]


def test_quiet_cases(tmp_path):
    noop(
        """\
        from django.contrib import admin
        from import_export.admin import ImportExportModelAdmin

        from library.models import Author, Book, Chapter, Profile


        @admin.register(Book)
        class BookAdmin(ImportExportModelAdmin):
            # A third-party base may build its own queryset.
            list_display = ("title", "publisher")


        @admin.register(Author)
        class AuthorAdmin(admin.ModelAdmin):
            list_display = ("name", "mentor")

            def get_list_display(self, request):
                return ("name",)


        class ChapterInline(admin.TabularInline):
            model = Chapter
            fields = ("title", "editor")


        @admin.register(Profile)
        class ProfileAdmin(admin.ModelAdmin):
            # A non-null one-to-one is joined by Django's own `select_related()`.
            list_display = ("bio", "user", "user_id")
            inlines = [ChapterInline]
        """,
        tmp_path,
    )


def test_only_entries_that_miss_are_reported(tmp_path):
    found = check(
        """\
        from django.contrib import admin

        from library.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = (
                "title",
                "author",
                "publisher",
            )
        """,
        CODE,
        tmp_path,
        path=ADMIN,
        project="library",
    )
    assert [d.span.start_line for d in found if d.code == CODE] == [10]
