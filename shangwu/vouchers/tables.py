from django.utils.html import format_html

from shangwu.core.tables import Column, Table
from shangwu.projects.tables import AmountColumn
from shangwu.vouchers.choices import CENTS_PER_WAN, CENTS_PER_YUAN
from shangwu.vouchers.models import (
    VoucherBatch,
    VoucherCampaign,
    VoucherDaily,
    VoucherMerchant,
    VoucherRedemption,
)


class CentsColumn(Column):
    """An amount kept in 分, shown (and exported) in 元 or 万元."""

    def __init__(self, accessor, verbose_name, *, per=CENTS_PER_WAN, **kwargs):
        super().__init__(accessor, verbose_name, **kwargs)
        self.per = per

    def value(self, obj):
        value = getattr(obj, self.accessor)
        return None if value is None else value / self.per

    def html(self, obj, *, links: bool = True):
        value = self.value(obj)
        places = 2 if self.per == CENTS_PER_YUAN else 4
        return "" if value is None else format_html("{}", f"{value:,.{places}f}")


class VoucherCampaignTable(Table):
    model = VoucherCampaign
    columns = [
        Column("name", linkify=True),
        Column("funder"),
        AmountColumn("budget"),
        Column("platform"),
        Column("start_on"),
        Column("end_on"),
        Column("organiser"),
        Column("status"),
        Column("note", display=False),
    ]


class VoucherBatchTable(Table):
    model = VoucherBatch
    columns = [
        Column("campaign"),
        Column("name"),
        Column("code"),
        Column("industry"),
        AmountColumn("face_value"),
        AmountColumn("threshold"),
        Column("quantity"),
        CentsColumn("issued_cents", "发放金额（万元）"),
    ]


class VoucherDailyTable(Table):
    model = VoucherDaily
    columns = [
        Column("day"),
        Column("campaign"),
        Column("batch"),
        Column("industry"),
        Column("county"),
        Column("redeemed"),
        CentsColumn("order_cents", "订单金额（万元）"),
        CentsColumn("discount_cents", "优惠金额（万元）"),
    ]


class VoucherMerchantTable(Table):
    model = VoucherMerchant
    columns = [
        Column("name"),
        Column("credit_code"),
        Column("county"),
        Column("enterprise"),
        Column("match"),
    ]


class VoucherRedemptionTable(Table):
    model = VoucherRedemption
    columns = [
        Column("code"),
        Column("redeemed_at"),
        Column("batch"),
        Column("merchant"),
        Column("county"),
        CentsColumn("order_cents", "订单金额（元）", per=CENTS_PER_YUAN),
        CentsColumn("discount_cents", "优惠金额（元）", per=CENTS_PER_YUAN),
    ]
