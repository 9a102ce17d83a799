"""Demo vouchers for 云河市: two campaigns that have ended — the city's 乐购云河 spring vouchers
on 云闪付 (餐饮, 零售, 文旅) over every county, and 河东区's own 家电 vouchers (its county budget) on 支付宝 —
with about 200,000 redemptions between them (2,000 for ``size="small"``), imported the way a
clerk imports a platform's export: a CSV written here and read by the real importer (streaming,
bulk insert, daily and merchant totals, the file kept, the audit row). Merchants are partly
registry enterprises by their credit code, a few by name only."""

from __future__ import annotations

import csv
import datetime
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from shangwu.core.context import acting
from shangwu.enterprises.models import Enterprise
from shangwu.organization.models import Region
from shangwu.vouchers import services
from shangwu.vouchers.imports import VoucherRedemptionImporter
from shangwu.vouchers.models import VoucherCampaign

HEADER = [
    "券批次",
    "券码",
    "核销时间",
    "商户名称",
    "商户统一社会信用代码",
    "县区",
    "订单金额",
    "优惠金额",
]
# campaign: (name, funder, budget 万元, platform, days ago it began, days, counties (None: all),
#            batches [(name, 面额, 门槛, 张, industry, share of redemptions)], share)
CAMPAIGNS = [
    (
        "“乐购云河”春季消费券",
        "city",
        Decimal("1500"),
        "unionpay",
        150,
        45,
        None,
        [
            ("餐饮满100减30", 30, 100, 120_000, "catering", 0.45),
            ("零售满200减50", 50, 200, 80_000, "retail", 0.35),
            ("文旅满300减80", 80, 300, 30_000, "tourism", 0.20),
        ],
        0.7,
    ),
    (
        "河东区家电消费券",
        "county",
        Decimal("600"),
        "alipay",
        70,
        30,
        ("419902",),
        [("家电满2000减300", 300, 2000, 80_000, "appliance", 1.0)],
        0.3,
    ),
]
SHOPS = ["老字号餐馆", "火锅店", "便利店", "百货商场", "家电卖场", "电器城", "景区", "书店", "超市"]


def build(*, units, users, size: str) -> str:
    if VoucherCampaign.objects.exists():
        return ""
    rng = random.Random(20261208)
    today = timezone.localdate()
    total = 200_000 if size == "full" else 2_000
    actor = users["city_staff"]
    counties = list(Region.objects.filter(level="county").order_by("sort_order", "code"))
    registry = list(
        Enterprise.objects.order_by("pk").values_list("name", "credit_code", "county_id")[:400]
    )
    importer = VoucherRedemptionImporter()
    made = 0
    with tempfile.TemporaryDirectory() as tmp, acting(user=actor, path="demo_data"):
        for n, (name, funder, budget, platform, ago, days, codes, batches, share) in enumerate(
            CAMPAIGNS
        ):
            covered = [c for c in counties if codes is None or c.code in codes]
            start = today - datetime.timedelta(days=ago)
            campaign = services.voucher_campaign_create(
                actor=actor,
                name=name,
                funder=funder,
                budget=budget,
                platform=platform,
                start_on=start,
                end_on=start + datetime.timedelta(days=days - 1),
                counties=covered,
                organiser=actor.org_unit,
                note="演示数据",
            )
            for bname, face, threshold, quantity, industry, _ in batches:
                services.voucher_batch_add(
                    campaign=campaign,
                    actor=actor,
                    name=bname,
                    face_value=Decimal(face),
                    threshold=Decimal(threshold),
                    quantity=quantity if size == "full" else quantity // 100,
                    industry=industry,
                )
            services.voucher_campaign_move(campaign=campaign, to_status="running", actor=actor)
            # Merchants of the covered counties: 40 % registry enterprises by credit code, 5 %
            # by name alone, the rest shops the registry does not hold.
            shops = []
            for m in range(300 if size == "full" else 40):
                county = rng.choice(covered)
                draw = rng.random()
                known = [r for r in registry if r[2] == county.pk]
                if known and draw < 0.45:
                    ent_name, code, _ = rng.choice(known)
                    shops.append((ent_name, code if draw < 0.4 else "", county.name))
                else:
                    shops.append((f"{county.name[:2]}{rng.choice(SHOPS)}{m}号店", "", county.name))
            path = Path(tmp) / f"核销明细-{n + 1}.csv"
            count = int(total * share)
            with open(path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(HEADER)
                weights = [b[5] for b in batches]
                for i in range(count):
                    bname, face, threshold, *_ = rng.choices(batches, weights)[0]
                    shop, code, county = rng.choice(shops)
                    day = start + datetime.timedelta(
                        days=min(days - 1, int(rng.expovariate(4 / days)))
                    )
                    at = datetime.datetime.combine(
                        day, datetime.time(rng.randint(8, 21), rng.randint(0, 59))
                    )
                    order = threshold + rng.randint(0, threshold * 3 // 2)
                    writer.writerow(
                        [
                            bname,
                            f"D{n + 1}{i:08d}",
                            f"{at:%Y-%m-%d %H:%M:%S}",
                            shop,
                            code,
                            county,
                            f"{order}.{rng.randint(0, 99):02d}",
                            face,
                        ]
                    )
            rows = importer.read(path, "csv")
            result = importer.commit(
                rows=rows, actor=actor, file_name=path.name, campaign=campaign.pk
            )
            if not result.committed:
                raise RuntimeError(
                    f"演示核销数据导入失败：{result.file_error or result.errors[:3]}"
                )
            services.voucher_campaign_move(campaign=campaign, to_status="ended", actor=actor)
            made += result.created
    return f"新建消费券活动 {len(CAMPAIGNS)} 个、核销记录 {made} 条"
