"""The default indicator catalogue (issue 6), installed by migration 0002 and kept editable by
the 系统管理员. Plain data so the migration does not import models."""

DEFAULT_INDICATORS = [
    # code, name, short name, unit, source, arrival, decimals, parent code, computation
    ("FT_TOTAL", "外贸进出口总额", "外贸进出口", "亿元", "customs", "cumulative", 1, None, ""),
    ("FT_EXPORT", "出口", "出口", "亿元", "customs", "cumulative", 1, "FT_TOTAL", ""),
    ("FT_IMPORT", "进口", "进口", "亿元", "customs", "cumulative", 1, "FT_TOTAL", ""),
    ("FDI", "实际使用外资", "实际使用外资", "万美元", "mofcom", "cumulative", 0, None, ""),
    (
        "RETAIL",
        "社会消费品零售总额",
        "社会消费品零售总额",
        "亿元",
        "stats",
        "cumulative",
        1,
        None,
        "",
    ),
    ("ONLINE", "网络零售额", "网络零售额", "亿元", "mofcom", "cumulative", 1, None, ""),
    (
        "NEW_ABOVE",
        "新增限额以上批零住餐企业",
        "新增限上批零住餐企业",
        "家",
        "bureau",
        "month",
        0,
        None,
        "new_above_scale",
    ),
    (
        "FUNDS",
        "招商引资省外到位资金",
        "省外到位资金",
        "亿元",
        "bureau",
        "month",
        2,
        None,
        "provincial_funds",
    ),
    (
        "SIGNED",
        "新签约亿元以上项目",
        "新签约亿元以上项目",
        "个",
        "bureau",
        "month",
        0,
        None,
        "signed_large",
    ),
]


def install_defaults(Indicator) -> int:
    """Create the default indicators that are missing (by code); returns how many were made."""
    made = 0
    by_code = {}
    for order, (
        code,
        name,
        short,
        unit,
        source,
        arrival,
        decimals,
        parent,
        computation,
    ) in enumerate(DEFAULT_INDICATORS, start=1):
        obj, created = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "unit": unit,
                "source": source,
                "arrival": arrival,
                "decimals": decimals,
                "computation": computation,
                "sort_order": order * 10,
                "parent": by_code.get(parent),
            },
        )
        by_code[code] = obj
        made += created
    return made
