"""The redemption import (vouchers.imports): preview without writing, all-or-nothing commit,
every row error named in Chinese with its row and column, idempotency over overlapping
exports, GBK CSV and .xlsx, merchants matched to the registry, the file kept and audited."""

import io

import pytest
import xlsxwriter
from django.db.models import Sum

from shangwu.audit.models import AuditLog
from shangwu.vouchers.models import (
    VoucherCampaignLog,
    VoucherDaily,
    VoucherImportFile,
    VoucherMerchant,
    VoucherMerchantTotal,
    VoucherRedemption,
)
from shangwu.vouchers.tests.conftest import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db


def _errors(result):
    return {(e.row, e.column, e.reason) for e in result.errors}


def test_the_preview_counts_the_rows_and_writes_nothing(make_campaign, city_staff, run_import):
    campaign = make_campaign()
    content = csv_bytes([row("A1"), row("A2", county="云水县"), row("A3", batch="LS01")])
    result = run_import(city_staff, campaign, content, commit=False)
    assert result.ok and not result.committed
    assert (result.total, result.created, result.unchanged) == (3, 3, 0)
    assert result.context["new_merchants"] == 1
    assert not VoucherRedemption.objects.exists()
    assert not VoucherDaily.objects.exists() and not VoucherMerchant.objects.exists()
    assert not VoucherImportFile.objects.exists()


def test_a_commit_stores_the_rows_their_daily_and_merchant_totals_the_file_and_one_audit_row(
    make_campaign, city_staff, run_import
):
    campaign = make_campaign()
    content = csv_bytes(
        [
            row("A1", order="120.00", discount="30"),
            row("A2", order="150.50", discount="30.00", at="2026-05-02 23:59:59"),
            row(
                "A3",
                county="云水县",
                merchant="云水超市",
                batch="零售满200减50",
                order="260",
                discount="50",
            ),
            row("A4", order="1,000.00", discount="30", at="2026/5/3 8:01"),
        ]
    )
    result = run_import(city_staff, campaign, content)
    assert result.committed and result.created == 4 and result.unchanged == 0
    days = {
        (d.batch.name, d.county.name, d.day.isoformat()): (
            d.redeemed,
            d.order_cents,
            d.discount_cents,
        )
        for d in VoucherDaily.objects.select_related("batch", "county")
    }
    assert days == {
        ("餐饮满100减30", "河东区", "2026-05-02"): (2, 27050, 6000),
        ("零售满200减50", "云水县", "2026-05-02"): (1, 26000, 5000),
        ("餐饮满100减30", "河东区", "2026-05-03"): (1, 100000, 3000),
    }
    assert VoucherDaily.objects.get(day="2026-05-03").industry == "catering"
    totals = {
        (t.merchant.name, t.redeemed, t.order_cents, str(t.first_day), str(t.last_day))
        for t in VoucherMerchantTotal.objects.select_related("merchant")
    }
    assert totals == {
        ("云河老字号餐馆", 3, 127050, "2026-05-02", "2026-05-03"),
        ("云水超市", 1, 26000, "2026-05-02", "2026-05-02"),
    }
    # The time is Beijing time (23:59:59 stays on the 2nd).
    late = VoucherRedemption.objects.get(code="A2")
    assert late.day.isoformat() == "2026-05-02"
    kept = VoucherImportFile.objects.get()
    assert kept.name == "export.csv" and len(kept.sha256) == 64
    assert (kept.rows_total, kept.rows_new, kept.rows_stored) == (4, 4, 0)
    audit = AuditLog.objects.filter(action="import", object_type="vouchers.voucherredemption")
    assert audit.count() == 1 and kept.sha256 in audit.get().detail
    assert VoucherCampaignLog.objects.filter(campaign=campaign, kind="imported").exists()


def test_one_bad_row_writes_nothing_and_every_error_names_its_row_and_column_in_chinese(
    make_campaign, city_staff, run_import
):
    campaign = make_campaign(counties=("419902",))
    content = csv_bytes(
        [
            row("B1"),  # row 2: fine
            row("B2", batch="美食券"),  # 3: unknown batch
            row("B3", at="2026-06-01 10:00:00"),  # 4: outside the campaign
            row("B4", order="20", discount="30"),  # 5: discount > order
            row("B5", order="-5"),  # 6: negative
            row("B1"),  # 7: duplicate code in the file
            row("B7", county="火星区"),  # 8: no such county
            row("B8", county="云水县"),  # 9: a county the campaign does not cover
            row("B9", at="五月一日"),  # 10: unreadable time
            row("B10", credit="123"),  # 11: bad credit code
        ]
    )
    result = run_import(city_staff, campaign, content)
    assert not result.committed
    assert _errors(result) == {
        (
            3,
            "券批次",
            "本活动没有批次“美食券”（已登记：餐饮满100减30、CY01、零售满200减50、LS01）。",
        ),
        (4, "核销时间", "核销时间不在活动期间（2026-05-01 至 2026-05-31）内。"),
        (5, "优惠金额", "优惠金额不能大于订单金额。"),
        (6, "订单金额", "订单金额不能为负数。"),
        (7, "券码", "券码与第2行重复（同一文件内券码不能重复）。"),
        (8, "县区", "“火星区”不是本市的县(市、区)。"),
        (9, "县区", "“云水县”不在本活动覆盖的县(市、区)内（河东区）。"),
        (10, "核销时间", "核销时间格式应为 2026-05-01 12:30:45。"),
        (11, "商户统一社会信用代码", "统一社会信用代码应为18位数字或大写字母。"),
    }
    assert str(result.errors[0]).startswith("第3行“券批次”列：")
    assert not VoucherRedemption.objects.exists() and not VoucherDaily.objects.exists()
    assert not VoucherMerchant.objects.exists() and not VoucherImportFile.objects.exists()


def test_a_file_without_a_required_column_is_refused_before_any_row(
    make_campaign, city_staff, run_import
):
    campaign = make_campaign()
    content = csv_bytes([["A1", "2026-05-02 10:00:00"]], header=["券码", "核销时间"])
    result = run_import(city_staff, campaign, content)
    assert "缺少必填列：券批次、商户名称、县区、订单金额、优惠金额" in result.file_error


def test_overlapping_exports_never_count_a_redemption_twice(make_campaign, city_staff, run_import):
    campaign = make_campaign()
    first = run_import(city_staff, campaign, csv_bytes([row(f"C{n}") for n in range(1, 5)]))
    assert (first.created, first.unchanged) == (4, 0)
    overlap = csv_bytes([row(f"C{n}", county="云水县" if n > 4 else "河东区") for n in range(3, 8)])
    preview = run_import(city_staff, campaign, overlap, commit=False)
    assert (preview.total, preview.created, preview.unchanged) == (5, 3, 2)
    second = run_import(city_staff, campaign, overlap)
    assert (second.created, second.unchanged) == (3, 2)
    again = run_import(city_staff, campaign, overlap)
    assert (again.created, again.unchanged) == (0, 5)
    assert VoucherRedemption.objects.count() == 7
    sums = VoucherDaily.objects.aggregate(n=Sum("redeemed"), o=Sum("order_cents"))
    assert sums == {"n": 7, "o": 7 * 12000}
    merchant = VoucherMerchantTotal.objects.aggregate(n=Sum("redeemed"))
    assert merchant == {"n": 7}
    assert VoucherImportFile.objects.count() == 3


def test_a_gbk_csv_reads_as_its_chinese(make_campaign, city_staff, run_import):
    campaign = make_campaign()
    content = csv_bytes(
        [row("G1", merchant="云河老字号餐馆"), row("G2", county="云水县")], encoding="gbk"
    )
    result = run_import(city_staff, campaign, content, name="导出-GBK.csv")
    assert result.committed and result.created == 2
    assert set(VoucherMerchant.objects.values_list("name", flat=True)) == {"云河老字号餐馆"}


def test_an_xlsx_export_imports_as_its_csv_does(make_campaign, city_staff, run_import):
    import datetime

    campaign = make_campaign()
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("核销明细")
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, ["餐饮满100减30", "X1"])
    ws.write_datetime(
        1,
        2,
        datetime.datetime(2026, 5, 9, 18, 30),
        wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    )
    ws.write_row(1, 3, ["云河老字号餐馆", "", "河东区", 188.8, 30])
    wb.close()
    result = run_import(city_staff, campaign, buffer.getvalue(), name="export.xlsx")
    assert result.committed and result.created == 1
    redemption = VoucherRedemption.objects.get()
    assert (redemption.day.isoformat(), redemption.order_cents, redemption.discount_cents) == (
        "2026-05-09",
        18880,
        3000,
    )


def test_merchants_match_the_registry_by_credit_code_else_by_name_shown_for_confirmation(
    make_campaign, city_staff, run_import, make_enterprise
):
    campaign = make_campaign()
    by_code = make_enterprise(name="云河百货有限公司")
    by_name = make_enterprise(name="河东老字号饭店")
    content = csv_bytes(
        [
            row("M1", merchant="云河百货（旗舰店）", credit=by_code.credit_code),
            row("M2", merchant="河东老字号饭店"),
            row("M3", merchant="无名小店"),
        ]
    )
    preview = run_import(city_staff, campaign, content, commit=False)
    assert preview.context["name_matches"] == [("河东老字号饭店", "河东老字号饭店")]
    assert (preview.context["matched_by_code"], preview.context["unmatched"]) == (1, 1)
    run_import(city_staff, campaign, content)
    matched = {m.name: (m.enterprise_id, m.match) for m in VoucherMerchant.objects.all()}
    assert matched == {
        "云河百货（旗舰店）": (by_code.pk, "credit_code"),
        "河东老字号饭店": (by_name.pk, "name"),
        "无名小店": (None, "none"),
    }


def test_a_county_officer_imports_their_own_county_rows_only(make_campaign, county_a, run_import):
    campaign = make_campaign()
    result = run_import(county_a, campaign, csv_bytes([row("K1"), row("K2", county="云水县")]))
    assert _errors(result) == {
        (3, "县区", "“云水县”不在您的管辖范围：县级用户只能导入本县(市、区)的核销数据。")
    }
    assert run_import(county_a, campaign, csv_bytes([row("K1")])).committed


def test_a_campaign_outside_the_importers_scope_is_refused(make_campaign, county_b, run_import):
    campaign = make_campaign(counties=("419902",))
    result = run_import(county_b, campaign, csv_bytes([row("Z1")]))
    assert result.file_error == "请选择一个您可以导入数据的消费券活动。"
    assert not VoucherRedemption.objects.exists()
