"""One 公文格式设置 row per kind of document, with nothing switched on: the 系统管理员 finds
every kind on the page and edits it (no 版头, number or 版记 until they do)."""

from django.db import migrations

KINDS = ["indicator_bulletin", "task_bulletin"]


def add_kinds(apps, schema_editor):
    DocumentSetting = apps.get_model("core", "DocumentSetting")
    for kind in KINDS:
        DocumentSetting.objects.get_or_create(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_document_settings")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
