"""DJV111 unknown-lookup-field: any doubt means no finding."""

from __future__ import annotations

from rules.harness import PROJECTS, _folder_files, check_fixed, check_flags, check_noop

CODE = "DJV111"
VIEW = "library/views.py"


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def noop(source, tmp_path, **kwargs):
    check_noop(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def test_message_names_the_model_and_suggests(tmp_path):
    [finding] = flags(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.filter(auther__name="x"))
        """,
        tmp_path,
    )
    assert finding.message == "`Book` has no field `auther`; did you mean `author`?"
    assert finding.fix is not None and finding.fix.edits[0].new_text == "author__name"


def test_custom_lookup_registered_in_another_module(tmp_path):
    files = {
        "library/lookups.py": (
            "from django.db.models import CharField, Lookup\n\n\n"
            "class Near(Lookup):\n    lookup_name = 'near'\n\n\nCharField.register_lookup(Near)\n"
        )
    }
    noop(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.filter(title__near="x"))
        """,
        tmp_path,
        files=files,
    )


def test_function_registered_as_transform(tmp_path):
    files = {
        "library/apps.py": (
            "from django.apps import AppConfig\nfrom django.db.models import CharField\n"
            "from django.db.models.functions import Lower\n\n\nclass LibraryConfig(AppConfig):\n"
            "    name = 'library'\n\n    def ready(self):\n        CharField.register_lookup(Lower)\n"
        )
    }
    noop(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.filter(title__lower="x"))
        """,
        tmp_path,
        files=files,
    )


def test_unregistered_transform_is_flagged(tmp_path):
    [finding] = flags(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.filter(title__lowr="x"))
        """,
        tmp_path,
    )
    assert "Unsupported lookup `lowr`" in finding.message


def test_names_an_earlier_step_added(tmp_path):
    noop(
        """\
        from django.db.models import Count, F

        from library.models import Book

        def view():
            qs = Book.objects.alias(n=Count("tags")).annotate(m=F("n") + 1)
            qs = qs.values("title", upper=F("title")).filter(m__gt=1, upper="X", n__lt=3)
            return list(qs.order_by("-m", "upper", "n"))
        """,
        tmp_path,
    )


def test_custom_queryset_method_that_annotates(tmp_path):
    models = (PROJECTS / "library" / "library" / "models.py").read_text()
    models = models.replace(
        "    def with_author(self):",
        "    def with_counts(self):\n"
        "        return self.annotate(chapter_count=models.Count('chapters'))\n\n"
        "    def popular(self):\n        return self.with_counts().filter(chapter_count__gt=2)\n\n"
        "    def with_author(self):",
    )
    noop(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.popular().filter(chapter_count__lt=10))
        """,
        tmp_path,
        files={"library/models.py": models},
    )


def test_custom_queryset_method_that_only_filters_keeps_checking(tmp_path):
    flags(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.all().published().filter(titel="x"))
        """,
        tmp_path,
    )


def test_reverse_relations_use_their_query_name(tmp_path):
    noop(
        """\
        from library.models import Author, Book, Publisher, User

        def view():
            a = Author.objects.filter(books__title="x", edited_chapters__title="y", author__name="m")
            b = Publisher.objects.filter(book__title="x")
            c = User.objects.filter(profile__bio="x", author__name="y")
            return list(a), list(b), list(c)
        """,
        tmp_path,
    )
    [finding] = flags(
        """\
        from library.models import Publisher

        def view():
            return list(Publisher.objects.filter(book_set__title="x"))
        """,
        tmp_path,
    )
    assert "did you mean `book`" in finding.message


def test_pk_attname_and_relation_lookups(tmp_path):
    noop(
        """\
        from library.models import Book

        def view(author):
            return list(Book.objects.filter(pk__in=[1], author_id=1, author_id__in=[2], author=author,
                                            author__isnull=False, tags__in=[], publisher__exact=None))
        """,
        tmp_path,
    )


def test_unknown_and_partial_models_are_not_checked(tmp_path):
    models = (PROJECTS / "library" / "library" / "models.py").read_text() + (
        "\n\nfrom notinstalled.models import TagBase\n\n\n"
        "class Label(TagBase):\n    colour = models.CharField(max_length=10)\n"
    )
    noop(
        """\
        from library.models import Label

        def view(queryset, model):
            return list(Label.objects.filter(name="x")), list(queryset.filter(zzz=1)), list(model.objects.filter(q=1))
        """,
        tmp_path,
        files={"library/models.py": models},
    )


def test_json_and_array_fields_accept_any_path(tmp_path):
    models = (PROJECTS / "library" / "library" / "models.py").read_text() + (
        "\n\nclass Event(models.Model):\n    data = models.JSONField(default=dict)\n"
    )
    noop(
        """\
        from library.models import Event

        def view():
            return list(Event.objects.filter(data__user__name__icontains="x", data__0__gt=1).order_by("data__when"))
        """,
        tmp_path,
        files={"library/models.py": models},
    )


def test_generic_relation_query_name(tmp_path):
    models = (PROJECTS / "library" / "library" / "models.py").read_text() + (
        "\n\nfrom django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation\n"
        "from django.contrib.contenttypes.models import ContentType\n\n\n"
        "class Note(models.Model):\n"
        "    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)\n"
        "    object_id = models.PositiveIntegerField()\n"
        "    target = GenericForeignKey('content_type', 'object_id')\n"
        "    text = models.TextField()\n\n\n"
        "class Shelf(models.Model):\n    notes = GenericRelation(Note, related_query_name='shelf')\n"
    )
    noop(
        """\
        from library.models import Note, Shelf

        def view():
            return list(Note.objects.filter(shelf__id=1)), list(Shelf.objects.filter(notes__text="x"))
        """,
        tmp_path,
        files={"library/models.py": models},
    )


def test_subqueries_are_checked_against_their_own_model(tmp_path):
    noop(
        """\
        from django.db.models import Exists, OuterRef, Subquery

        from library.models import Book, Chapter

        def view():
            chapters = Chapter.objects.filter(book=OuterRef("pk"), title__startswith="A")
            return list(Book.objects.annotate(has=Exists(chapters), first=Subquery(chapters.values("title")[:1])))
        """,
        tmp_path,
    )


def test_select_related_is_left_to_djv110(tmp_path):
    noop(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.select_related("auther").prefetch_related("tagz"))
        """,
        tmp_path,
    )


def test_fix_keeps_the_order_by_sign(tmp_path):
    files = _folder_files(PROJECTS / "library")
    check_fixed(
        """\
        from library.models import Book

        def view():
            return list(Book.objects.order_by("-titel"))
        """,
        """\
        from library.models import Book

        def view():
            return list(Book.objects.order_by("-title"))
        """,
        CODE,
        tmp_path,
        path=VIEW,
        files=files,
    )


def test_meta_ordering_strings(tmp_path):
    models = (PROJECTS / "library" / "library" / "models.py").read_text() + (
        "\n\nclass Shelf(models.Model):\n    label = models.CharField(max_length=10)\n"
        "    book = models.ForeignKey(Book, on_delete=models.CASCADE)\n\n"
        "    class Meta:\n        ordering = ['-lable', 'book__title', '?', 'book__author__name']\n"
    )
    [finding] = check_flags(
        models, CODE, tmp_path, path="library/models.py", project="library"
    )
    assert finding.message == "`Shelf` has no field `lable`; did you mean `label`?"
    assert finding.fix.edits[0].new_text == "'-label'"


def test_test_modules_are_not_checked(tmp_path):
    """A test's lookups run, and fail, whenever the test does."""
    source = """\
        from library.models import Book

        def test_search():
            assert not Book.objects.filter(auther__name="x").exists()
        """
    check_noop(source, CODE, tmp_path, path="library/tests.py", project="library")
    flags(source, tmp_path / "view")  # the same code in a view is flagged
