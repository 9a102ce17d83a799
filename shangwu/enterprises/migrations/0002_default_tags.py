from django.db import migrations

# The managed vocabulary's defaults (issue: enterprise registry). The 限上 tags carry a 纳统 date.
DEFAULT_TAGS = [
    ("限上批发", True),
    ("限上零售", True),
    ("限上住宿", True),
    ("限上餐饮", True),
    ("外贸实绩", False),
    ("外资企业", False),
    ("跨境电商", False),
    ("电商企业", False),
    ("中华老字号", False),
    ("省级老字号", False),
    ("成品油零售", False),
    ("商超", False),
]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("enterprises", "Tag")
    for order, (name, needs_date) in enumerate(DEFAULT_TAGS, start=1):
        Tag.objects.get_or_create(
            name=name, defaults={"needs_date": needs_date, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
