"""The inspection kinds the bureau's reports name, the registry tags that make enterprises their
subjects (those not yet in the registry's list), the rectification deadlines (一般 10, 重大 30
working days) and a first checklist in use for each kind. The 系统管理员 edits all of them."""

from django.db import migrations

TAGS = [
    ("prepaid_card", "预付卡发卡企业"),
    ("used_car_market", "二手车交易市场"),
    ("recycling", "再生资源回收"),
    ("auction", "拍卖企业"),
]

G, M = "general", "major"
COMMON = [
    ("安全管理", "建立安全生产责任制，明确主要负责人和安全管理人员", "《安全生产法》第二十一条", G),
    ("安全管理", "开展从业人员安全生产教育和培训并有记录", "《安全生产法》第二十八条", G),
    ("应急管理", "制定生产安全事故应急预案并定期演练", "《安全生产法》第八十一条", G),
]
KINDS = [
    (
        "supermarket_safety",
        "商超安全检查",
        "supermarket",
        "store",
        COMMON
        + [
            ("消防安全", "疏散通道、安全出口畅通，未被占用、堵塞、封闭", "《消防法》第二十八条", M),
            ("消防安全", "消防设施、器材完好有效，定期检测", "《消防法》第十六条", G),
            (
                "用电安全",
                "电气线路敷设规范，无私拉乱接",
                "《商场、超市等人员密集场所安全管理规范》",
                G,
            ),
            (
                "双预防",
                "开展风险分级管控和隐患排查治理并建立台账",
                "商超行业安全生产“双预防”体系建设",
                G,
            ),
        ],
    ),
    (
        "fuel_station_annual",
        "加油站年度检查",
        "oil_retail",
        "fuel_station",
        COMMON
        + [
            ("经营资格", "成品油零售经营批准证书在有效期内，证照一致", "《成品油市场管理办法》", M),
            (
                "设施设备",
                "储罐、加油机、油气回收装置完好，计量器具检定合格",
                "《汽车加油加气加氢站技术标准》",
                G,
            ),
            ("消防安全", "卸油区、加油区消防器材配备齐全", "《消防法》第十六条", G),
            ("经营行为", "不从非法渠道购进成品油，进货台账完整", "《成品油市场管理办法》", M),
        ],
    ),
    (
        "oil_quality",
        "油品质量专项检查",
        "oil_retail",
        "fuel_station",
        [
            (
                "油品质量",
                "销售的成品油符合国家标准，留存进货质量检验报告",
                "《产品质量法》第二十六条",
                M,
            ),
            ("油品质量", "不销售不合格或国家明令淘汰的油品", "《成品油市场管理办法》", M),
            ("计量", "加油机计量准确，铅封完好", "《计量法》", G),
        ],
    ),
    (
        "prepaid_card",
        "单用途预付卡检查",
        "prepaid_card",
        "premises",
        [
            ("备案", "发卡企业按规定办理备案", "《单用途商业预付卡管理办法（试行）》第七条", G),
            (
                "资金管理",
                "预收资金余额未超过规定比例，按规定存管",
                "《单用途商业预付卡管理办法（试行）》第二十二条",
                M,
            ),
            (
                "购卡章程",
                "与购卡人签订协议，公示章程和退卡办法",
                "《单用途商业预付卡管理办法（试行）》第十四条",
                G,
            ),
        ],
    ),
    (
        "used_car_market",
        "二手车交易市场检查",
        "used_car_market",
        "market",
        COMMON
        + [
            (
                "经营行为",
                "建立车辆档案，如实提供车辆使用、修理、事故等信息",
                "《二手车流通管理办法》",
                G,
            ),
            ("备案", "按规定办理二手车交易市场经营者备案", "《二手车流通管理办法》", G),
        ],
    ),
    (
        "recycling",
        "再生资源回收检查",
        "recycling",
        "recycling",
        COMMON + [("经营行为", "收购生产性废旧金属如实登记", "《再生资源回收管理办法》", G)],
    ),
    (
        "auction",
        "拍卖企业检查",
        "auction",
        "premises",
        [("经营资格", "拍卖经营批准证书有效，拍卖师执业资格齐全", "《拍卖法》", G)],
    ),
]


def add_defaults(apps, schema_editor):
    Tag = apps.get_model("enterprises", "Tag")
    Kind = apps.get_model("inspections", "InspectionKind")
    Checklist = apps.get_model("inspections", "Checklist")
    Item = apps.get_model("inspections", "ChecklistItem")
    Rule = apps.get_model("inspections", "RectificationRule")
    order = Tag.objects.count()
    for code, name in TAGS:
        if (
            not Tag.objects.filter(code=code).exists()
            and not Tag.objects.filter(name=name).exists()
        ):
            order += 1
            Tag.objects.create(code=code, name=name, sort_order=order)
    Rule.objects.get_or_create(severity=G, defaults={"working_days": 10})
    Rule.objects.get_or_create(severity=M, defaults={"working_days": 30})
    for sort_order, (code, name, tag_code, site_type, items) in enumerate(KINDS, start=1):
        kind, created = Kind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "tag_code": tag_code,
                "site_type": site_type,
                "sort_order": sort_order,
            },
        )
        if not created:
            continue
        checklist = Checklist.objects.create(
            kind=kind, version=1, title=f"{name}检查表", status="active", note="初始版本"
        )
        Item.objects.bulk_create(
            Item(
                checklist=checklist,
                section=section,
                number=number,
                text=text,
                basis=basis,
                severity=severity,
            )
            for number, (section, text, basis, severity) in enumerate(items, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_inspections"),
        ("enterprises", "0015_visit_problem_case_link"),
    ]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
