"""The reference data's change stamp (``core.reference``): one row, written with its first value so
that every request finds it from the start."""

import secrets

from django.db import migrations, models


def add_row(apps, schema_editor):
    ReferenceStamp = apps.get_model("core", "ReferenceStamp")
    ReferenceStamp.objects.get_or_create(pk=1, defaults={"value": secrets.token_hex(16)})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_document_kinds")]

    operations = [
        migrations.CreateModel(
            name="ReferenceStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.CharField(max_length=32, verbose_name="标记")),
            ],
            options={
                "verbose_name": "基础数据变更标记",
                "verbose_name_plural": "基础数据变更标记",
            },
        ),
        migrations.RunPython(add_row, migrations.RunPython.noop),
    ]
