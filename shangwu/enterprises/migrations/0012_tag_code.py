import django.db.models
from django.db import migrations

# The default tags' codes (0002_default_tags); any tag added since gets "tag<id>".
CODES = {
    "限上批发": "wholesale_above",
    "限上零售": "retail_above",
    "限上住宿": "lodging_above",
    "限上餐饮": "catering_above",
    "外贸实绩": "foreign_trade",
    "外资企业": "foreign_funded",
    "跨境电商": "cross_border_ecommerce",
    "电商企业": "ecommerce",
    "中华老字号": "time_honored_national",
    "省级老字号": "time_honored_provincial",
    "成品油零售": "oil_retail",
    "商超": "supermarket",
}


def fill_codes(apps, schema_editor):
    Tag = apps.get_model("enterprises", "Tag")
    for tag in Tag.objects.all():
        tag.code = CODES.get(tag.name, f"tag{tag.pk}")
        tag.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0011_visit_attachments_and_edit_events")]

    operations = [
        # Added without an index: the unique constraint below brings it (on PostgreSQL, a slug
        # indexed here and then made unique would create its LIKE index twice).
        migrations.AddField(
            model_name="tag",
            name="code",
            field=django.db.models.SlugField(
                db_index=False, max_length=30, null=True, verbose_name="代码"
            ),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tag",
            name="code",
            field=django.db.models.SlugField(
                error_messages={"unique": "该标签代码已被使用。"},
                help_text="英文字母、数字、下划线；统计口径按代码识别标签，建立后不可修改。",
                max_length=30,
                unique=True,
                verbose_name="代码",
            ),
        ),
    ]
