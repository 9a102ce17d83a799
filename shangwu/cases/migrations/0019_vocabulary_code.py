"""诉求类别 joins the managed lists (core.models.Vocabulary): each gets a stable code."""

import django.db.models
from django.db import migrations

# The default categories' codes (0002_default_rules); any category added since gets "category<id>".
CODES = {
    "政策咨询": "policy",
    "融资": "financing",
    "用地": "land",
    "用工": "labor",
    "审批": "approval",
    "物流": "logistics",
    "外贸": "foreign_trade",
    "外资": "foreign_investment",
    "消费": "consumption",
    "水电气暖": "utilities",
    "其他": "other",
}


def fill_codes(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    for category in CaseCategory.objects.all():
        category.code = CODES.get(category.name, f"category{category.pk}")
        category.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_event_base")]

    operations = [
        # Added without an index: the unique constraint below brings it (see enterprises 0012).
        migrations.AddField(
            model_name="casecategory",
            name="code",
            field=django.db.models.SlugField(
                db_index=False, max_length=30, null=True, verbose_name="代码"
            ),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casecategory",
            name="code",
            field=django.db.models.SlugField(
                error_messages={"unique": "该代码已被使用。"},
                help_text="英文字母、数字、下划线；统计和导入按代码识别，建立后不可修改。",
                max_length=30,
                unique=True,
                verbose_name="代码",
            ),
        ),
    ]
