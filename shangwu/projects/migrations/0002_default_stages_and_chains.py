"""The default pipeline (线索 → 洽谈 → 签约 → 注册 → 开工 → 投产, plus 终止) and the demo city's
leading industrial chains. The 系统管理员 edits both afterwards; existing rows are kept."""

from django.db import migrations

STAGES = [
    # name, order, milestone, is_terminal, color
    ("线索", 10, "", False, "secondary"),
    ("洽谈", 20, "", False, "info"),
    ("签约", 30, "signed", False, "primary"),
    ("注册", 40, "registered", False, "primary"),
    ("开工", 50, "started", False, "warning"),
    ("投产", 60, "producing", False, "success"),
    ("终止", 90, "", True, "danger"),
]
CHAINS = ["新材料", "装备制造", "食品加工", "电子信息", "现代物流", "商贸服务"]


def create_defaults(apps, schema_editor):
    Stage = apps.get_model("projects", "Stage")
    IndustryChain = apps.get_model("projects", "IndustryChain")
    for name, order, milestone, terminal, color in STAGES:
        Stage.objects.get_or_create(
            name=name,
            defaults={
                "order": order,
                "milestone": milestone,
                "is_terminal": terminal,
                "color": color,
            },
        )
    for order, name in enumerate(CHAINS, start=1):
        IndustryChain.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
