"""Demo indicators for 云河市: 24 months (2024-11 … 2026-10) of every entered indicator for the
eight counties and the city total (the sum of the counties), annual targets for 2025 and 2026
split across counties so that they add up, and the computed indicators counted from the
enterprise registry and the project module. Two situations a bulletin must handle are built in:
桃源县 has not reported October 2026, and 青山县's retail sales are below last year's.
Reproducible (random.Random(seed)) and idempotent (skipped when values exist).

Through the services: the targets and their versions (``target_set_many``: one version per year), the computed figures
(``values_compute``) and 河东区's proposal (``target_propose``). The entered monthly figures stay
one bulk write (about 1,300 rows with an audit row of their own, as an import would): a figure
has no workflow — no status, event or assignment — and ``values_import`` month by month would
re-derive every following month for each row for the same result, many times slower."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.demo import insert_objects
from shangwu.indicators.choices import ValueSource
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)
from shangwu.indicators.selectors import add_months, region_list_bulletin
from shangwu.indicators.services import target_set_many, values_compute

FIRST = datetime.date(2024, 11, 1)
LAST = datetime.date(2026, 10, 1)
MISSING_COUNTY = "419923"  # 桃源县: no October 2026 figures yet
DECLINING_COUNTY = "419922"  # 青山县: retail sales below last year's
SEED = 20261101

# Annual size of each indicator for the whole city in 2023, in its unit, and typical growth.
SCALE = {
    "FT_EXPORT": (62.0, 0.10),
    "FT_IMPORT": (38.0, 0.06),
    "FDI": (9800.0, 0.08),
    "RETAIL": (820.0, 0.06),
    "ONLINE": (96.0, 0.14),
}
# Monthly shares of a year (seasonality: a quiet February, a busy December).
SEASON = [0.080, 0.062, 0.080, 0.081, 0.083, 0.085, 0.083, 0.084, 0.085, 0.088, 0.087, 0.102]
COUNTY_WEIGHT = {
    "419902": 0.22,
    "419903": 0.16,
    "419904": 0.19,
    "419921": 0.08,
    "419922": 0.07,
    "419923": 0.06,
    "419981": 0.13,
    "419982": 0.09,
}


def _series(
    rng, code: str, county: str, base: float, growth: float
) -> dict[datetime.date, Decimal]:
    """Monthly values 2023-01 … 2026-10 for one county."""
    out = {}
    g = growth + rng.uniform(-0.05, 0.06)
    if county == DECLINING_COUNTY and code == "RETAIL":
        g = -0.045
    level = base * COUNTY_WEIGHT[county]
    day = datetime.date(2023, 1, 1)
    while day <= LAST:
        years = day.year - 2023
        value = level * (1 + g) ** years * SEASON[day.month - 1] * rng.uniform(0.93, 1.07)
        out[day] = Decimal(str(round(value, 4)))
        day = add_months(day, 1)
    return out


def _ytd(series, day):
    return sum((series[datetime.date(day.year, m, 1)] for m in range(1, day.month + 1)), Decimal(0))


def build(*, units, users, size: str) -> str:
    if IndicatorValue.objects.exists():
        return ""
    rng = random.Random(SEED)
    city, counties = region_list_bulletin()
    indicators = {i.code: i for i in Indicator.objects.all()}
    if city is None or not counties or not indicators:
        return ""
    series: dict[str, dict[str, dict]] = {}
    for code, (base, growth) in SCALE.items():
        series[code] = {c.code: _series(rng, code, c.code, base, growth) for c in counties}
    series["FT_TOTAL"] = {
        c.code: {
            d: series["FT_EXPORT"][c.code][d] + series["FT_IMPORT"][c.code][d]
            for d in series["FT_EXPORT"][c.code]
        }
        for c in counties
    }
    rows, targets = [], []
    for code, by_county in series.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        city_series = {
            d: sum((by_county[c.code][d] for c in counties), Decimal(0))
            for d in by_county[counties[0].code]
        }
        for region, s in [(city, city_series)] + [(c, by_county[c.code]) for c in counties]:
            day = FIRST
            while day <= LAST:
                if not (region.code == MISSING_COUNTY and day == LAST):
                    last_year = add_months(day, -12)
                    rows.append(
                        IndicatorValue(
                            indicator=indicator,
                            region=region,
                            month=day,
                            month_value=s[day],
                            cumulative_value=_ytd(s, day),
                            prev_month_value=s[last_year],
                            prev_cumulative_value=_ytd(s, last_year),
                            source=ValueSource.IMPORTED,
                        )
                    )
                day = add_months(day, 1)
        # Targets: last year's actual × (1 + a target growth); the city's = the counties' sum.
        for year in (2025, 2026):
            total = Decimal(0)
            for county in counties:
                actual = _ytd(by_county[county.code], datetime.date(year - 1, 12, 1))
                target = (actual * Decimal(str(1 + rng.uniform(0.05, 0.12)))).quantize(
                    Decimal(1).scaleb(-indicator.decimals)
                )
                total += target
                targets.append((indicator, year, county, target))
            targets.append((indicator, year, city, total))
    insert_objects(IndicatorValue, rows)
    audit_write(
        action=AuditAction.CREATE,
        object_type="indicators.indicatorvalue",
        object_repr="演示指标数据",
        detail=f"演示数据：批量写入指标月度数据 {len(rows)} 条。",
    )

    # Computed indicators: counted month by month from the registry and projects (2024-01 on, so
    # that every demo month has its same month last year).
    computed = [i for i in indicators.values() if i.is_computed]
    day = datetime.date(2024, 1, 1)
    while day <= LAST:
        values_compute(month=day, indicators=computed)
        day = add_months(day, 1)
    for indicator in computed:
        for year in (2025, 2026):
            total = Decimal(0)
            for county in counties:
                actual = sum(
                    (
                        v or 0
                        for v in IndicatorValue.objects.filter(
                            indicator=indicator, region=county, month__year=year - 1
                        ).values_list("month_value", flat=True)
                    ),
                    Decimal(0),
                )
                target = max(
                    Decimal(1),
                    (actual * Decimal("1.1")).quantize(Decimal(1).scaleb(-indicator.decimals)),
                )
                total += target
                targets.append((indicator, year, county, target))
            targets.append((indicator, year, city, total))
    # Each year's targets are issued in one act (下达年度目标 by the city): its 第1版, written by
    # the service in the order of the targets table.
    targets.sort(key=lambda t: (t[1], t[0].sort_order, t[0].pk, t[2].sort_order, t[2].pk))
    for year in sorted({t[1] for t in targets}):
        target_set_many(
            year=year,
            rows=[(i, region, value, "") for i, y, region, value in targets if y == year],
            actor=None,
        )
    _propose_a_target_change(users)
    return f"指标月度数据 {IndicatorValue.objects.count()} 条（{FIRST:%Y-%m}至{LAST:%Y-%m}），年度目标 {IndicatorTarget.objects.count()} 条"


def _propose_a_target_change(users) -> None:
    """河东区 asks, with its reason, to lower its 2026 网络零售额 target: a proposal waiting for
    the city (the county may only propose; the city decides), through the service."""
    from shangwu.indicators.services import target_propose

    actor = (users or {}).get("county_a")
    indicator = Indicator.objects.filter(code="ONLINE").first()
    target = IndicatorTarget.objects.filter(
        indicator=indicator, year=2026, region=getattr(actor, "region", None)
    ).first()
    if actor is None or target is None:
        return
    target_propose(
        indicator=indicator,
        year=2026,
        region=target.region,
        value=(target.value * Decimal("0.9")).quantize(target.value),
        reason="受平台企业迁出影响，网络零售额增速放缓，申请下调年度目标10%。",
        actor=actor,
    )
