"""Edge cases of the N+1 rules, django-upgrade style: a snippet in, findings or a fix out."""

from __future__ import annotations

from rules.harness import check, check_fixed, check_flags, check_noop

VIEW = "library/views.py"


def flags(source, code, tmp_path, **kwargs):
    return check_flags(
        source,
        code,
        tmp_path,
        path=kwargs.pop("path", VIEW),
        project="library",
        **kwargs,
    )


def noop(source, code, tmp_path, **kwargs):
    check_noop(
        source,
        code,
        tmp_path,
        path=kwargs.pop("path", VIEW),
        project="library",
        **kwargs,
    )


def fixed(before, after, code, tmp_path, **kwargs):
    from rules.harness import PROJECTS, _folder_files

    files = {**_folder_files(PROJECTS / "library"), **kwargs.pop("files", {})}
    check_fixed(
        before,
        after,
        code,
        tmp_path,
        path=kwargs.pop("path", VIEW),
        files=files,
        **kwargs,
    )


def test_queryset_reassigned_in_steps(tmp_path):
    fixed(
        """\
        from library.models import Book


        def view(request):
            qs = Book.objects.all()
            qs = qs.filter(is_published=True)
            return [b.author.name for b in qs]
        """,
        """\
        from library.models import Book


        def view(request):
            qs = Book.objects.select_related("author").all()
            qs = qs.filter(is_published=True)
            return [b.author.name for b in qs]
        """,
        "DJV101",
        tmp_path,
    )


def test_list_sorted_enumerate_and_slices_keep_the_queryset(tmp_path):
    found = flags(
        """\
        from library.models import Book


        def view():
            for i, b in enumerate(Book.objects.all()[:10]):
                print(i, b.author.name)
            for b in sorted(Book.objects.all(), key=lambda x: x.title):
                print(b.publisher.name)
            books = list(Book.objects.filter(is_published=True))
            return [b.author.name for b in books]
        """,
        "DJV101",
        tmp_path,
    )
    assert [d.span.start_line for d in found] == [5, 7, 9]


def test_queryset_from_a_helper_in_another_module_is_fixed_at_the_call_site(tmp_path):
    fixed(
        """\
        from library.services import published_books


        def view():
            return [b.author.name for b in published_books()]
        """,
        """\
        from library.services import published_books


        def view():
            return [b.author.name for b in published_books().select_related("author")]
        """,
        "DJV101",
        tmp_path,
        files={
            "library/services.py": "from library.models import Book\n\n\ndef published_books():\n"
            "    return Book.objects.filter(is_published=True)\n"
        },
    )


def test_helper_called_with_the_loop_variable(tmp_path):
    found = flags(
        """\
        from library.models import Book


        def describe(book):
            return book.author.name


        def view():
            return [describe(b) for b in Book.objects.all()]
        """,
        "DJV101",
        tmp_path,
    )
    assert found[0].span.start_line == 8 and "describe()" in found[0].message


def test_manager_only_method_gets_the_select_after_it(tmp_path):
    models = (
        "from django.db import models\n\n\n"
        "class BookManager(models.Manager):\n"
        "    def recent(self):\n"
        "        return self.get_queryset().order_by('-id')\n\n\n"
        "class Author(models.Model):\n    name = models.CharField(max_length=10)\n\n\n"
        "class Book(models.Model):\n"
        "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n"
        "    objects = BookManager()\n"
    )
    before = """\
        from library.models import Book


        def view():
            return [b.author.name for b in Book.objects.recent()]
        """
    after = """\
        from library.models import Book


        def view():
            return [b.author.name for b in Book.objects.recent().select_related("author")]
        """
    fixed(before, after, "DJV101", tmp_path, files={"library/models.py": models})


def test_empty_select_related_covers_non_null_fks_only(tmp_path):
    noop(
        """\
        from library.models import Book


        def view():
            return [b.author.name for b in Book.objects.select_related()]
        """,
        "DJV101",
        tmp_path,
    )
    flags(
        """\
        from library.models import Book


        def view():
            return [b.publisher.name for b in Book.objects.select_related()]
        """,
        "DJV101",
        tmp_path / "null",
    )


def test_values_never_get_select_related(tmp_path):
    noop(
        """\
        from library.models import Book


        def view():
            return [row for row in Book.objects.values("author__name")]
        """,
        "DJV101",
        tmp_path,
    )


def test_prefetch_adds_chunk_size_to_a_bare_iterator(tmp_path):
    fixed(
        """\
        from library.models import Author


        def export():
            for author in Author.objects.iterator():
                print(author.books.count())
        """,
        """\
        from library.models import Author


        def export():
            for author in Author.objects.prefetch_related("books").iterator(chunk_size=2000):
                print(author.books.count())
        """,
        "DJV102",
        tmp_path,
    )


def test_new_prefetch_object_brings_its_import(tmp_path):
    fixed(
        """\
        from library.models import Book, Chapter


        def editors():
            return [[c.editor.name for c in b.chapters.all()] for b in Book.objects.all()]
        """,
        """\
        from library.models import Book, Chapter
        from django.db.models import Prefetch


        def editors():
            return [[c.editor.name for c in b.chapters.all()] for b in Book.objects.prefetch_related(Prefetch("chapters", queryset=Chapter.objects.select_related("editor"))).all()]
        """,
        "DJV103",
        tmp_path,
    )


def test_class_based_view_get_queryset(tmp_path):
    found = flags(
        """\
        from django.views.generic import ListView

        from library.models import Book


        class BookList(ListView):
            def get_queryset(self):
                return Book.objects.filter(is_published=True)

            def get_context_data(self, **kwargs):
                context = super().get_context_data(**kwargs)
                context["names"] = [b.author.name for b in self.get_queryset()]
                return context
        """,
        "DJV101",
        tmp_path,
    )
    assert found[0].fix is not None


def test_half_typed_code_never_crashes(tmp_path):
    source = """\
        from library.models import Book


        def view():
            for b in Book.objects.filter(
                print(b.author.
        """
    for code in ("DJV101", "DJV102", "DJV103", "DJV104", "DJV109", "DJV110"):
        check(source, code, tmp_path / code, path=VIEW, project="library")


def test_unknown_model_attribute_is_quiet(tmp_path):
    noop(
        """\
        from library.models import Book


        def view():
            return [b.whatever.name for b in Book.objects.all()]
        """,
        "DJV101",
        tmp_path,
    )


def test_fk_id_outside_a_loop_on_a_fetched_instance(tmp_path):
    fixed(
        """\
        from library.models import Book


        def view(pk):
            book = Book.objects.filter(pk=pk).first()
            other = Book.objects.select_related("author").get(pk=pk)
            return book.author.id, other.author.id
        """,
        """\
        from library.models import Book


        def view(pk):
            book = Book.objects.filter(pk=pk).first()
            other = Book.objects.select_related("author").get(pk=pk)
            return book.author_id, other.author.id
        """,
        "DJV109",
        tmp_path,
    )


def test_loop_over_the_relation_of_a_single_instance(tmp_path):
    fixed(
        """\
        from library.models import Author


        def view(pk):
            author = Author.objects.get(pk=pk)
            return [book.publisher.name for book in author.books.all()]
        """,
        """\
        from library.models import Author


        def view(pk):
            author = Author.objects.get(pk=pk)
            return [book.publisher.name for book in author.books.all().select_related("publisher")]
        """,
        "DJV101",
        tmp_path,
    )


def test_function_of_a_module_imported_by_name(tmp_path):
    found = flags(
        """\
        from library import services


        def view():
            return [b.author.name for b in services.published_books()]
        """,
        "DJV101",
        tmp_path,
        files={
            "library/services.py": "from library.models import Book\n\n\ndef published_books():\n"
            "    return Book.objects.filter(is_published=True)\n"
        },
    )
    assert found[0].fix is not None


def test_second_read_of_the_same_relation_is_cached(tmp_path):
    found = flags(
        """\
        from library.models import Book


        def view():
            return [(b.author.name, b.author.id) for b in Book.objects.all()]
        """,
        "DJV101",
        tmp_path,
    )
    assert len(found) == 1


def test_helper_parameter_typed_by_a_call_in_another_module(tmp_path):
    """jedi finds the call site in another module; djvet evaluates its argument."""
    found = flags(
        """\
        def author_names(books):
            return [b.author.name for b in books]
        """,
        "DJV101",
        tmp_path,
        path="library/services.py",
        files={
            "library/views.py": "from library.models import Book\nfrom library.services import author_names\n\n\n"
            "def view():\n    return author_names(Book.objects.all())\n"
        },
    )
    [diagnostic] = found
    assert diagnostic.fix is not None
    [edit] = diagnostic.fix.edits
    assert (
        edit.path.endswith("library/views.py")
        and edit.new_text == '.select_related("author")'
    )
