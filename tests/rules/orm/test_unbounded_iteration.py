"""DJV121 unbounded-iteration: commands, tasks, migrations; version-aware fix."""

from __future__ import annotations

import textwrap

from djvet.engine import check_document
from rules.harness import PROJECTS, _folder_files, check_flags, check_noop, make_project

CODE = "DJV121"


def test_celery_tasks_in_any_module(tmp_path):
    [finding] = check_flags(
        """\
        from celery import shared_task

        from library.models import Book

        @shared_task(bind=True)
        def reindex(self):
            for book in Book.objects.all():
                print(book.title)
        """,
        CODE,
        tmp_path,
        path="library/services.py",
        project="library",
    )
    assert finding.fix.edits[0].new_text == ".iterator(chunk_size=2000)"
    assert finding.fix.edits[0].span.start == finding.span.end


def test_views_are_not_checked(tmp_path):
    check_noop(
        """\
        from library.models import Book

        def view(request):
            for book in Book.objects.all():
                print(book.title)
        """,
        CODE,
        tmp_path,
        path="library/views.py",
        project="library",
    )


def test_data_migrations_use_historical_models(tmp_path):
    [finding] = check_flags(
        """\
        from django.db import migrations

        def forwards(apps, schema_editor):
            Book = apps.get_model("library", "Book")
            for book in Book.objects.all():
                book.title = book.title.strip()
                book.save()

        class Migration(migrations.Migration):
            operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
        """,
        CODE,
        tmp_path,
        path="library/migrations/0002_strip.py",
        project="library",
    )
    assert finding.span.start_line == 4


def test_prefetch_before_django_4_1_has_no_fix(tmp_path):
    source = """\
        from library.models import Book

        def run():
            for book in Book.objects.prefetch_related("tags"):
                print(book.title)
        """
    path = "library/management/commands/run.py"
    files = {**_folder_files(PROJECTS / "library"), path: textwrap.dedent(source)}
    fixes = []
    for version in ("4.0", "4.2"):
        root = tmp_path / version
        project = make_project(root, files, (CODE,), {"django-version": version})
        [finding] = [
            d
            for d in check_document(project.document(str(root / path)), project)
            if d.code == CODE
        ]
        fixes.append(finding.fix)
    assert fixes[0] is None and fixes[1] is not None


def test_rows_read_before_and_primary_key_selections(tmp_path):
    check_noop(
        """\
        from library.models import Book

        def handle(ids):
            books = Book.objects.filter(is_published=True)
            if not books:
                return
            for book in books:
                print(book.title)
            for book in Book.objects.filter(id__in=ids):
                print(book.title)
            chosen = Book.objects.filter(pk__in=ids)
            for book in chosen:
                print(book.title)
        """,
        CODE,
        tmp_path,
        path="library/management/commands/run.py",
        project="library",
    )
