import csv
import datetime
import io
from decimal import Decimal

import pytest

from shangwu.organization.models import OrgUnit, Region
from shangwu.vouchers import services
from shangwu.vouchers.imports import VoucherRedemptionImporter

HEDONG, YUNSHUI = "419902", "419921"
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


@pytest.fixture
def make_campaign(db, city_staff):
    """A campaign through the services, May 2026, covering 河东区 and 云水县 (or ``counties``),
    with a 餐饮 batch 满100减30 (10,000 张) and a 零售 batch 满200减50 (5,000 张)."""

    def make(
        *,
        name="乐购云河消费券",
        counties=(HEDONG, YUNSHUI),
        actor=None,
        batches=True,
        quantity=None,
    ):
        actor = actor or city_staff
        campaign = services.voucher_campaign_create(
            actor=actor,
            name=name,
            funder="city",
            budget=Decimal("500"),
            platform="unionpay",
            start_on=datetime.date(2026, 5, 1),
            end_on=datetime.date(2026, 5, 31),
            counties=[Region.objects.get(code=c) for c in counties],
            organiser=actor.org_unit or OrgUnit.objects.first(),
        )
        if batches:
            services.voucher_batch_add(
                campaign=campaign,
                actor=actor,
                name="餐饮满100减30",
                code="CY01",
                face_value=Decimal("30"),
                threshold=Decimal("100"),
                quantity=quantity or 10000,
                industry="catering",
            )
            services.voucher_batch_add(
                campaign=campaign,
                actor=actor,
                name="零售满200减50",
                code="LS01",
                face_value=Decimal("50"),
                threshold=Decimal("200"),
                quantity=quantity or 5000,
                industry="retail",
            )
        return campaign

    return make


def csv_bytes(rows, *, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(
    code,
    *,
    batch="餐饮满100减30",
    at="2026-05-02 12:00:00",
    merchant="云河老字号餐馆",
    credit="",
    county="河东区",
    order="120.00",
    discount="30.00",
):
    return [batch, code, at, merchant, credit, county, order, discount]


@pytest.fixture
def run_import(media, tmp_path):
    """``run_import(actor, campaign, content, commit=True, name="x.csv")``: the importer over a
    file written to disk, as the pages and the API call it."""

    def run(actor, campaign, content, *, commit=True, name="export.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        importer = VoucherRedemptionImporter()
        rows = importer.read(path, name.rsplit(".", 1)[1])
        call = importer.commit if commit else importer.preview
        return call(rows=rows, actor=actor, file_name=name, campaign=campaign.pk)

    return run
