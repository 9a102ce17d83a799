"""Each deadline node says whether it counts from 受理 (receipt) or 交办 (assignment).

Every existing node counted from 交办, so the field's default keeps them as they were. Then the
defaults of issue 16: 12345热线, 人大建议, 政协提案 and 局长信箱 count from receipt. A current rule
set of those sources that some case already uses is not changed in place: as ``ruleset_save``
does, a new version becomes current and the cases keep the version they were assigned under
(their deadlines were counted from 交办, and their history says so). An unused one is updated.
"""

from django.db import migrations, models

RECEIPT_SOURCES = ("hotline", "npc", "cppcc", "mailbox")
NOTES = {
    "npc": "本局受理（交办至本局）之日起3个月内答复，情况复杂的可延至6个月",
    "cppcc": "本局受理（交办至本局）之日起3个月内答复，情况复杂的可延至6个月",
}


def receipt_defaults(apps, schema_editor):
    """Idempotent (the test suite's ``restore_world`` runs it again after a flush)."""
    RuleSet = apps.get_model("cases", "DeadlineRuleSet")
    Rule = apps.get_model("cases", "DeadlineRule")
    Case = apps.get_model("cases", "Case")
    current = RuleSet.objects.filter(source__in=RECEIPT_SOURCES, is_current=True).order_by("pk")
    for rule_set in current:
        rules = list(Rule.objects.filter(rule_set=rule_set).order_by("pk"))
        if all(r.counts_from == "received" for r in rules if r.node != "revisit"):
            continue
        if Case.objects.filter(rule_set=rule_set).exists():
            rule_set.is_current = False
            rule_set.save(update_fields=["is_current"])
            rule_set = RuleSet.objects.create(
                name=rule_set.name,
                source=rule_set.source,
                kind=rule_set.kind,
                version=rule_set.version + 1,
                is_current=True,
                extendable_to=rule_set.extendable_to,
                note=NOTES.get(rule_set.source, rule_set.note),
            )
            for r in rules:
                Rule.objects.create(
                    rule_set=rule_set,
                    node=r.node,
                    offset=r.offset,
                    unit=r.unit,
                    day_kind=r.day_kind,
                    counts_from="assigned" if r.node == "revisit" else "received",
                )
        else:
            if rule_set.source in NOTES:
                rule_set.note = NOTES[rule_set.source]
                rule_set.save(update_fields=["note"])
            Rule.objects.filter(rule_set=rule_set).exclude(node="revisit").update(
                counts_from="received"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_provisional_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadlinerule",
            name="counts_from",
            field=models.CharField(
                choices=[("received", "受理"), ("assigned", "交办")],
                default="assigned",
                help_text="自受理时间或自交办时间起算（回访均自审核通过起算）。",
                max_length=10,
                verbose_name="起算",
            ),
        ),
        migrations.RunPython(receipt_defaults, migrations.RunPython.noop),
    ]
