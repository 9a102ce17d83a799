"""包保领导 is a core.models.Responsibility like an enterprise's 包保: ``leader`` becomes
``official`` and every row gets the level of its official's unit (市/县/乡) and the role 包联领导.
ProjectCase goes: cases 0018 carried each row to Case.origin_project."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_levels(apps, schema_editor):
    ProjectLeader = apps.get_model("projects", "ProjectLeader")
    rows = ProjectLeader.objects.select_related("official__org_unit__region")
    for row in rows:
        unit = row.official.org_unit
        region = unit.region if unit is not None else None
        level = region.level if region is not None else "city"
        if level != row.level:
            ProjectLeader.objects.filter(pk=row.pk).update(level=level)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_vocabulary_code"),
        ("cases", "0020_case_origins"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="ProjectCase"),
        migrations.RemoveConstraint(model_name="projectleader", name="project_leader_one_open"),
        migrations.RenameField(model_name="projectleader", old_name="leader", new_name="official"),
        migrations.AlterField(
            model_name="projectleader",
            name="official",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to=settings.AUTH_USER_MODEL,
                verbose_name="包保人员",
            ),
        ),
        migrations.AddField(
            model_name="projectleader",
            name="level",
            field=models.CharField(
                choices=[("city", "市级"), ("county", "县级"), ("township", "乡镇级")],
                default="city",
                max_length=10,
                verbose_name="包保层级",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="projectleader",
            name="role",
            field=models.CharField(
                choices=[
                    ("leader", "包联领导"),
                    ("commissioner", "服务专员"),
                    ("ambassador", "服务大使"),
                ],
                default="leader",
                max_length=20,
                verbose_name="包保角色",
            ),
        ),
        migrations.AddField(
            model_name="projectleader",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="安排人",
            ),
        ),
        migrations.RunPython(fill_levels, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="projectleader",
            constraint=models.UniqueConstraint(
                condition=models.Q(("end_on__isnull", True)),
                fields=("project", "official"),
                name="project_leader_one_open",
                violation_error_message="该领导已在包保此项目。",
            ),
        ),
    ]
