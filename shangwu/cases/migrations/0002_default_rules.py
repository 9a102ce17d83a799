"""Default vocabulary and deadline rules (issue: case handling).

13710 (Shanxi; Henan 万人助万企): 签收 within 1 day, first progress report within 3 days,
一般 closed within 7 days, 重大复杂 within 1 month — calendar days, as the source texts say.
12345 hotline: 咨询 2, 求助/建议 10, 投诉 15 working days. 人大建议/政协提案: answered within
3 months of assignment, extendable to 6. 局长信箱: 15 working days.
"""

from django.db import migrations

CATEGORIES = [
    "政策咨询",
    "融资",
    "用地",
    "用工",
    "审批",
    "物流",
    "外贸",
    "外资",
    "消费",
    "水电气暖",
    "其他",
]

D13710 = [("sign", 1, "days", "calendar"), ("first_feedback", 3, "days", "calendar")]
RULES = [
    # (name, source, kind, extendable_to, note, nodes)
    *[
        (
            f"13710·{label}·{kl}",
            src,
            kind,
            None,
            "13710工作机制（天，自然日）",
            D13710
            + [
                ("close", 7, "days", "calendar")
                if kind == "ordinary"
                else ("close", 1, "months", "calendar"),
                ("revisit", 3, "days", "calendar"),
            ],
        )
        for src, label in [
            ("visit", "走访"),
            ("self_report", "企业自报"),
            ("superior", "上级交办"),
            ("forum", "座谈会"),
            ("other", "其他"),
        ]
        for kind, kl in [("ordinary", "一般"), ("major", "重大复杂")]
    ],
    (
        "12345热线·咨询",
        "hotline",
        "consult",
        None,
        "12345热线：咨询2个工作日",
        [
            ("sign", 1, "days", "working"),
            ("close", 2, "days", "working"),
            ("revisit", 2, "days", "working"),
        ],
    ),
    (
        "12345热线·求助",
        "hotline",
        "help",
        None,
        "12345热线：求助10个工作日",
        [
            ("sign", 1, "days", "working"),
            ("first_feedback", 3, "days", "working"),
            ("close", 10, "days", "working"),
            ("revisit", 3, "days", "working"),
        ],
    ),
    (
        "12345热线·建议",
        "hotline",
        "suggest",
        None,
        "12345热线：建议10个工作日",
        [
            ("sign", 1, "days", "working"),
            ("first_feedback", 3, "days", "working"),
            ("close", 10, "days", "working"),
            ("revisit", 3, "days", "working"),
        ],
    ),
    (
        "12345热线·投诉",
        "hotline",
        "complain",
        None,
        "12345热线：投诉15个工作日",
        [
            ("sign", 1, "days", "working"),
            ("first_feedback", 3, "days", "working"),
            ("close", 15, "days", "working"),
            ("revisit", 3, "days", "working"),
        ],
    ),
    (
        "人大代表建议",
        "npc",
        "",
        6,
        "交办之日起3个月内答复，情况复杂的可延至6个月",
        [
            ("sign", 3, "days", "working"),
            ("close", 3, "months", "calendar"),
            ("revisit", 15, "days", "working"),
        ],
    ),
    (
        "政协委员提案",
        "cppcc",
        "",
        6,
        "交办之日起3个月内答复，情况复杂的可延至6个月",
        [
            ("sign", 3, "days", "working"),
            ("close", 3, "months", "calendar"),
            ("revisit", 15, "days", "working"),
        ],
    ),
    (
        "局长信箱",
        "mailbox",
        "",
        None,
        "局长信箱：15个工作日",
        [
            ("sign", 1, "days", "working"),
            ("close", 15, "days", "working"),
            ("revisit", 3, "days", "working"),
        ],
    ),
]


def add_defaults(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    RuleSet = apps.get_model("cases", "DeadlineRuleSet")
    Rule = apps.get_model("cases", "DeadlineRule")
    for order, name in enumerate(CATEGORIES, start=1):
        CaseCategory.objects.get_or_create(name=name, defaults={"sort_order": order})
    for name, source, kind, extendable_to, note, nodes in RULES:
        if RuleSet.objects.filter(source=source, kind=kind).exists():
            continue
        rule_set = RuleSet.objects.create(
            name=name, source=source, kind=kind, extendable_to=extendable_to, note=note
        )
        for node, offset, unit, day_kind in nodes:
            Rule.objects.create(
                rule_set=rule_set, node=node, offset=offset, unit=unit, day_kind=day_kind
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
