"""The demo city: 云河市 (fictional), its counties and townships, the bureau and its units."""

from shangwu.organization.choices import OrgUnitKind, RegionLevel
from shangwu.organization.models import OrgUnit, Region

CITY = ("419900", "云河市")
COUNTIES = [
    ("419902", "河东区", ["东湖街道", "滨江街道", "望月街道", "龙泉镇", "柳营镇"]),
    ("419903", "河西区", ["西关街道", "新华街道", "金沙镇", "白鹭镇"]),
    ("419904", "新城区", ["高新街道", "科创街道", "临港街道", "云峰镇", "南湖镇", "翠屏镇"]),
    ("419921", "云水县", ["云水镇", "清溪镇", "石门镇", "桃花乡"]),
    ("419922", "青山县", ["青山镇", "松林镇", "竹园镇", "大坪乡", "杨柳乡"]),
    ("419923", "桃源县", ["桃源镇", "兴隆镇", "长乐镇"]),
    ("419981", "临江市", ["临江街道", "江北街道", "码头镇", "渔洋镇", "安平镇"]),
    ("419982", "北岭市", ["北岭街道", "岭南街道", "红岩镇", "马场镇"]),
]
DEPARTMENTS = [
    ("办公室", "办公室"),
    ("外贸科", "外贸科"),
    ("外资科", "外资科"),
    ("投资促进科", "投促科"),
    ("市场运行与消费促进科", "消费科"),
    ("电子商务科", "电商科"),
    ("流通科", "流通科"),
    ("市场秩序科", "秩序科"),
    ("政务服务窗口", "政务窗口"),
    ("信息中心", "信息中心"),
]

# 外部单位: departments outside the bureau that lead or help with cases (their part recorded by
# the bureau's liaison): (region code, name, short name).
EXTERNAL_UNITS = [
    ("419900", "云河市自然资源和规划局", "市自然资源局"),
    ("419900", "国网云河供电公司", "供电公司"),
    ("419900", "云河市人力资源和社会保障局", "市人社局"),
    ("419902", "河东区自然资源分局", "河东自然资源分局"),
    ("419902", "国网云河供电公司河东供电中心", "河东供电中心"),
]


def township_code(county_code: str, index: int, name: str) -> str:
    # GB/T 2260 township codes: 00x for 街道, 10x for 镇, 20x for 乡.
    base = 0 if name.endswith("街道") else 100 if name.endswith("镇") else 200
    return f"{county_code}{base + index:03d}"


def build_regions_and_units() -> dict:
    city, _ = Region.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": RegionLevel.CITY}
    )
    bureau, _ = OrgUnit.objects.get_or_create(
        region=city,
        name=f"{CITY[1]}商务局",
        defaults={"kind": OrgUnitKind.BUREAU, "short_name": "市商务局"},
    )
    units = {"bureau": bureau, "departments": {}, "counties": {}, "townships": {}}
    for order, (name, short) in enumerate(DEPARTMENTS, start=1):
        units["departments"][name], _ = OrgUnit.objects.get_or_create(
            region=city,
            name=name,
            defaults={
                "kind": OrgUnitKind.DEPARTMENT,
                "short_name": short,
                "parent": bureau,
                "sort_order": order,
            },
        )
    for order, (code, name, townships) in enumerate(COUNTIES, start=1):
        county, _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": RegionLevel.COUNTY,
                "parent": city,
                "sort_order": order,
            },
        )
        units["counties"][code] = OrgUnit.objects.get_or_create(
            region=county,
            name=f"{name}商务局",
            defaults={
                "kind": OrgUnitKind.COUNTY_BUREAU,
                "short_name": f"{name}商务局",
                "sort_order": order,
            },
        )[0]
        counters = {}
        for t_order, t_name in enumerate(townships, start=1):
            kind_key = t_name[-2:] if t_name.endswith("街道") else t_name[-1]
            counters[kind_key] = counters.get(kind_key, 0) + 1
            t_code = township_code(code, counters[kind_key], t_name)
            township, _ = Region.objects.get_or_create(
                code=t_code,
                defaults={
                    "name": t_name,
                    "level": RegionLevel.TOWNSHIP,
                    "parent": county,
                    "sort_order": t_order,
                },
            )
            office = "办事处" if t_name.endswith("街道") else "人民政府"
            units["townships"][t_code] = OrgUnit.objects.get_or_create(
                region=township,
                name=f"{t_name}{office}",
                defaults={
                    "kind": OrgUnitKind.TOWNSHIP_OFFICE,
                    "short_name": t_name,
                    "sort_order": t_order,
                },
            )[0]
    units["external"] = {}
    for order, (code, name, short) in enumerate(EXTERNAL_UNITS, start=1):
        units["external"][name] = OrgUnit.objects.get_or_create(
            region=Region.objects.get(code=code),
            name=name,
            defaults={"kind": OrgUnitKind.EXTERNAL, "short_name": short, "sort_order": 100 + order},
        )[0]
    return units
