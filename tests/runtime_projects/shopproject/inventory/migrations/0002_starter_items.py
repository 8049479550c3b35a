"""A data migration written the way djvet's DJV904 and DJV902 warn about: it uses
today's `Item` (which has `sku`, added only by 0003) and has no reverse."""

from django.db import migrations

from inventory.models import Item


def add_starter_items(apps, schema_editor):
    for name in ("hammer", "saw", "chisel"):
        Item.objects.create(name=name)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [
        migrations.RunPython(add_starter_items),
    ]
