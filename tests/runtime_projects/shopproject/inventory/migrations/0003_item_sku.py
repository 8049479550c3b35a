from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_starter_items")]

    operations = [
        migrations.AddField(model_name="item", name="sku", field=models.CharField(default="", max_length=20)),
    ]
