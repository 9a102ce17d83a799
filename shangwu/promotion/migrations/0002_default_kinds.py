from django.db import migrations

# (code, name, family): the kinds of event the bureau's reports count; the 系统管理员 adds more.
KINDS = [
    ("shopping_festival", "购物节", "consumption"),
    ("food_festival", "美食节", "consumption"),
    ("auto_show", "车展", "consumption"),
    ("online_goods_festival", "网货节", "consumption"),
    ("live_commerce", "直播带货", "consumption"),
    ("investment_promotion", "招商推介会", "investment"),
    ("signing_ceremony", "签约大会", "investment"),
    ("negotiation", "洽谈会", "investment"),
    ("trade_training", "外贸业务培训", "training"),
    ("ecommerce_training", "电商培训", "training"),
    ("policy_training", "政策培训", "training"),
    ("canton_fair", "广交会", "exhibition"),
    ("ciie", "进博会", "exhibition"),
    ("time_honoured_expo", "老字号博览会", "exhibition"),
    ("other_expo", "其他展会", "exhibition"),
    ("trade_mission", "经贸团组出访", "delegation"),
    ("bank_enterprise", "银企对接会", "financing"),
]


def add_kinds(apps, schema_editor):
    EventKind = apps.get_model("promotion", "EventKind")
    for order, (code, name, family) in enumerate(KINDS, start=1):
        EventKind.objects.get_or_create(
            code=code, defaults={"name": name, "family": family, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("promotion", "0001_events")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
