"""项目阶段 and 产业链 join the managed lists (core.models.Vocabulary): each entry gets a stable
code, and a stage can be switched off (no longer offered, kept on the projects in it)."""

import django.db.models
from django.db import migrations

# The default rows' codes (0002_default_stages_and_chains); any added since gets "<kind><id>".
STAGE_CODES = {
    "线索": "lead",
    "洽谈": "negotiating",
    "签约": "signed",
    "注册": "registered",
    "开工": "started",
    "投产": "producing",
    "终止": "terminated",
}
CHAIN_CODES = {
    "新材料": "new_materials",
    "装备制造": "equipment",
    "食品加工": "food_processing",
    "电子信息": "electronics",
    "现代物流": "logistics",
    "商贸服务": "trade_services",
}


def fill_codes(apps, schema_editor):
    for model, codes, prefix in (
        ("Stage", STAGE_CODES, "stage"),
        ("IndustryChain", CHAIN_CODES, "chain"),
    ):
        for row in apps.get_model("projects", model).objects.all():
            row.code = codes.get(row.name, f"{prefix}{row.pk}")
            row.save(update_fields=["code"])


def code_field(**kwargs):
    return django.db.models.SlugField(max_length=30, verbose_name="代码", **kwargs)


FINAL = {
    "error_messages": {"unique": "该代码已被使用。"},
    "help_text": "英文字母、数字、下划线；统计和导入按代码识别，建立后不可修改。",
    "unique": True,
}


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_event_base")]

    operations = [
        # Added without an index: the unique constraint below brings it (see enterprises 0012).
        migrations.AddField("stage", "code", code_field(db_index=False, null=True)),
        migrations.AddField("industrychain", "code", code_field(db_index=False, null=True)),
        migrations.AddField(
            "stage", "is_active", django.db.models.BooleanField(default=True, verbose_name="启用")
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField("stage", "code", code_field(**FINAL)),
        migrations.AlterField("industrychain", "code", code_field(**FINAL)),
    ]
