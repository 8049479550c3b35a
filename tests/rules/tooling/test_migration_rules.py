"""DJV902–DJV905 edge cases."""

from __future__ import annotations

from djvet.rules.tooling.runsql_without_reverse import reverse_sql
from rules.harness import PROJECTS, _folder_files
from rules.tasks._helpers import findings, fixed

LIBRARY = _folder_files(PROJECTS / "library")
MIGRATION = "library/migrations/0004_data.py"


def test_reverse_sql_for_single_create_statements():
    assert reverse_sql(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);"
    ) == ("DROP INDEX CONCURRENTLY IF EXISTS ix")
    assert reverse_sql("create or replace materialized view stats as select 1") == (
        "DROP MATERIALIZED VIEW IF EXISTS stats"
    )
    assert (
        reverse_sql("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int")
        == "ALTER TABLE t DROP COLUMN IF EXISTS c"
    )
    assert reverse_sql("CREATE INDEX a ON t (x); CREATE INDEX b ON t (y)") is None
    assert reverse_sql("UPDATE t SET a = 1") is None


def test_runpython_from_an_import_alias(tmp_path):
    source = """
    from django.db import migrations
    from django.db.migrations import RunPython as Run


    def forwards(apps, schema_editor):
        pass


    class Migration(migrations.Migration):
        operations = [Run(forwards), migrations.RunPython(*[forwards])]
    """
    files = fixed(tmp_path, {MIGRATION: source}, MIGRATION, "DJV902")
    assert "Run(forwards, Run.noop)" in files[MIGRATION]
    # arguments out of sight
    assert "migrations.RunPython(*[forwards])" in files[MIGRATION]


def test_model_used_only_for_its_constants_is_fine(tmp_path):
    models = (
        LIBRARY["library/models.py"]
        + "\n\nclass Shelf(models.Model):\n    READING = 'reading'\n"
    )
    source = """
    from django.db import migrations

    from library.models import Shelf


    def forwards(apps, schema_editor):
        Historical = apps.get_model("library", "Shelf")
        Historical.objects.create(name=Shelf.READING)
    """
    files = {**LIBRARY, "library/models.py": models, MIGRATION: source}
    assert findings(tmp_path, files, MIGRATION, "DJV904") == []


def test_no_fix_when_the_function_needs_the_real_class(tmp_path):
    models = LIBRARY["library/models.py"] + (
        "\n\nclass Shelf(models.Model):\n    READING = 'reading'\n\n"
        "    def save(self, *args, **kwargs):\n        super().save(*args, **kwargs)\n"
    )
    source = """
    from django.db import migrations

    from library.models import Shelf


    def forwards(apps, schema_editor):
        for shelf in Shelf.objects.all():
            shelf.save()  # the overridden save() must run: the historical model has none


    class Migration(migrations.Migration):
        operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
    """
    files = {**LIBRARY, "library/models.py": models, MIGRATION: source}
    found = findings(tmp_path, files, MIGRATION, "DJV904")
    assert len(found) == 1 and found[0].fix is None


POSTGRES = """
INSTALLED_APPS = ["django.contrib.auth", "library"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "library"}}
"""
ADD_INDEX = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0003_x")]
    operations = [migrations.AddIndex("book", models.Index(fields=["title"], name="title_idx"))]
"""


def test_locking_operations_only_on_postgresql(tmp_path):
    sqlite = POSTGRES.replace("postgresql", "sqlite3")
    assert (
        findings(
            tmp_path,
            {"mysite/settings.py": sqlite, MIGRATION: ADD_INDEX},
            MIGRATION,
            "DJV905",
        )
        == []
    )
    found = findings(
        tmp_path / "pg",
        {"mysite/settings.py": POSTGRES, MIGRATION: ADD_INDEX},
        MIGRATION,
        "DJV905",
    )
    assert len(found) == 1 and found[0].fix is not None
    initial = ADD_INDEX.replace(
        "    dependencies", "    initial = True\n    dependencies"
    )
    assert (
        findings(
            tmp_path / "init",
            {"mysite/settings.py": POSTGRES, MIGRATION: initial},
            MIGRATION,
            "DJV905",
        )
        == []
    )


def test_a_function_rebinding_the_name_uses_the_historical_model(tmp_path):
    source = """
    from django.contrib.contenttypes.models import ContentType
    from django.db import migrations


    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(model="book").delete()


    def change_log_hook(change):
        # Runs at run time (not while migrating): today's model is right here.
        return ContentType.objects.get_for_id(change.content_type_id)


    class Migration(migrations.Migration):
        operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
    """
    assert findings(tmp_path, {**LIBRARY, MIGRATION: source}, MIGRATION, "DJV904") == []


def test_operations_for_another_database_vendor_are_skipped(tmp_path):
    source = """
    from django.db import connection, migrations, models


    class Migration(migrations.Migration):
        dependencies = [("library", "0003_x")]
        if connection.vendor == "postgresql":
            operations = [migrations.AddIndex("book", models.Index(fields=["title"], name="t_idx"))]
        elif connection.vendor == "sqlite":
            operations = [migrations.AddField("book", "rank", models.IntegerField())]
        else:
            operations = [migrations.AddField("book", "rank", models.IntegerField())]
    """
    found = findings(
        tmp_path,
        {"mysite/settings.py": POSTGRES, MIGRATION: source},
        MIGRATION,
        "DJV905",
    )
    assert [d.span.start_line for d in found] == [7]


def test_columns_django_fills_for_existing_rows(tmp_path):
    source = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        dependencies = [("library", "0003_x")]
        operations = [
            migrations.AddField("book", "updated", models.DateTimeField(auto_now=True)),
            migrations.AddField("book", "note", models.TextField(blank=True)),
            migrations.AddField("book", "pages", models.IntegerField(blank=True)),
        ]
    """
    found = findings(
        tmp_path,
        {"mysite/settings.py": POSTGRES, MIGRATION: source},
        MIGRATION,
        "DJV905",
    )
    assert [d.span.start_line for d in found] == [9]


def test_a_model_in_an_annotation_does_not_query(tmp_path):
    source = """
    from django.db import migrations
    from django.db.models import QuerySet

    from library.models import Book


    def retitle(qs: QuerySet[Book]) -> None:
        qs.update(title="x")


    def forwards(apps, schema_editor):
        retitle(apps.get_model("library", "Book").objects.all())
    """
    assert findings(tmp_path, {**LIBRARY, MIGRATION: source}, MIGRATION, "DJV904") == []
