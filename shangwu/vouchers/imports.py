"""The import of the platforms' redemption exports (one row per 核销), through the shared
engine's contract (``core.importer``: columns, template, preview, all-or-nothing commit, one
IMPORT audit row, the same preview and error report pages).

Exports are a million rows and more (100+ MB of CSV), so this importer streams: the rows are
read one at a time (``core.imports.RowStream``: the csv reader over the file, calamine's row
iterator for .xlsx), checked, and handed to the engine's bulk insert (``insert_rows``) as they
come, all inside one transaction; the first bad row stops the writing, every row is still
checked so the preview names every error, and any error rolls everything back.

Idempotent: a 券码/交易流水号 already stored for the campaign is skipped in SQL (``insert_rows``
with ``skip_conflicts``), so overlapping exports never count twice, and the preview tells new
rows from rows already stored. The daily and per-merchant totals are then added from the rows
this import wrote (their ids, above the highest before it) in the same transaction.

A preview runs the same import and rolls it back: it counts exactly what the commit will do.
"""

from __future__ import annotations

import datetime
import math

from django import forms
from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from shangwu.core.files import CSV, XLSX, file_store
from shangwu.core.importer import Column, Importer, ImportResult, header_map
from shangwu.core.imports import (
    EXCEL_EPOCH,
    HELP_SHEET_NAME,
    RowError,
    RowStream,
    UploadRejected,
    allocate_ids,
    cell_text,
    insert_rows,
)
from shangwu.core.services import event_record
from shangwu.enterprises.models import Enterprise
from shangwu.organization.models import Region
from shangwu.vouchers.choices import CampaignLogKind, MatchKind
from shangwu.vouchers.models import (
    VoucherBatch,
    VoucherCampaign,
    VoucherCampaignLog,
    VoucherDaily,
    VoucherImportFile,
    VoucherMerchant,
    VoucherMerchantTotal,
    VoucherRedemption,
)

MAX_ERRORS = 1000  # errors listed (every row is still checked)
MAX_CENTS = 10**11  # 10 亿元: no order is larger
REDEMPTION_FIELDS = [
    "campaign",
    "batch",
    "code",
    "redeemed_at",
    "day",
    "merchant",
    "county",
    "order_cents",
    "discount_cents",
]
_TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y%m%d%H%M%S",
)


class _Rollback(Exception):
    pass


def parse_time(value) -> datetime.datetime:
    """核销时间 as written by the platforms (2026-05-01 12:30:45, 2026/5/1 12:30, Excel time),
    naive local time; ValueError otherwise."""
    if value.__class__ is datetime.datetime:
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not 3000 <= value < 100_000:
            raise ValueError
        return datetime.datetime.combine(EXCEL_EPOCH, datetime.time()) + datetime.timedelta(
            days=value
        )
    text = value.strip()
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError


def parse_cents(value) -> int:
    """An amount in 元 (at most two decimals, thousands separators allowed) as 分; ValueError
    with the reason otherwise."""
    if value.__class__ is str:
        text = value.strip()
        if "," in text:
            text = text.replace(",", "")
        if not text:
            raise ValueError("不能为空。")
        try:
            amount = float(text)
        except ValueError:
            raise ValueError("应为数字（元）。") from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    elif value is None:
        raise ValueError("不能为空。")
    else:
        raise ValueError("应为数字（元）。")
    if not math.isfinite(amount):
        raise ValueError("应为数字（元）。")
    cents = round(amount * 100)
    if abs(amount * 100 - cents) > 1e-6:
        raise ValueError("最多两位小数（元）。")
    if cents < 0:
        raise ValueError("不能为负数。")
    if cents >= MAX_CENTS:
        raise ValueError("过大。")
    return cents


class VoucherImportForm(forms.Form):
    """The upload page's options: which campaign the export belongs to."""

    campaign = forms.TypedChoiceField(label="消费券活动", coerce=int)
    file = forms.FileField(label="平台导出文件", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = VoucherCampaign.objects.restrict(user, "import").order_by("-start_on", "-id")
        self.fields["campaign"].choices = [("", "请选择")] + [
            (c.pk, str(c)) for c in campaigns.only("pk", "name")
        ]


class _Context:
    """What every row is checked against, loaded once per file."""

    def __init__(self, *, actor, campaign: VoucherCampaign):
        self.campaign = campaign
        self.batches = {}
        for batch in VoucherBatch.objects.filter(campaign=campaign):
            value = (batch.pk, batch.industry)
            self.batches[batch.name] = value
            if batch.code:
                self.batches.setdefault(batch.code, value)
        self.all_counties = dict(Region.objects.filter(level="county").values_list("name", "pk"))
        covered = set(campaign.counties.values_list("pk", flat=True))
        region = getattr(actor, "region", None)
        self.own_county = region.pk if region is not None and region.level == "county" else None
        self.counties = {n: pk for n, pk in self.all_counties.items() if pk in covered}
        self.merchants = dict(VoucherMerchant.objects.values_list("key", "pk"))
        self.by_code = dict(
            Enterprise.objects.exclude(credit_code="").values_list("credit_code", "pk")
        )
        names: dict[str, int | None] = {}
        for name, pk in Enterprise.objects.values_list("name", "pk"):
            names[name] = None if name in names else pk  # a name held twice matches nothing
        self.by_name = names
        self.enterprise_names = {}  # pk → name, of the enterprises matched by name


class VoucherRedemptionImporter(Importer):
    """消费券核销数据: one row per redemption, as the platforms export them."""

    model = VoucherRedemption
    noun = "核销数据"
    counted = "条"
    kinds = ("csv", "xlsx")
    sheet_name = "核销明细"
    template_filename = "消费券核销数据导入模板.xlsx"
    preview_include = "vouchers/import_preview_part.html"
    columns = [
        Column("batch", "券批次", required=True, aliases=("批次", "券批次名称", "批次名称")),
        Column(
            "code",
            "券码",
            required=True,
            aliases=("交易流水号", "流水号", "券码/交易流水号", "核销流水号"),
            help="券码或交易流水号，同一活动内唯一；已导入过的券码自动跳过、不重复计算。",
        ),
        Column("redeemed_at", "核销时间", required=True, help="如 2026-05-01 12:30:45。"),
        Column("merchant", "商户名称", required=True, aliases=("核销商户", "商户")),
        Column(
            "credit_code",
            "商户统一社会信用代码",
            aliases=("统一社会信用代码", "信用代码", "商户信用代码"),
            help="有则按信用代码匹配企业库，无则按名称匹配（预览中列出待确认）。",
        ),
        Column("county", "县区", required=True, aliases=("县(市、区)", "区县", "所属县区")),
        Column("order_cents", "订单金额", required=True, aliases=("订单金额（元）",), help="元。"),
        Column(
            "discount_cents", "优惠金额", required=True, aliases=("优惠金额（元）",), help="元。"
        ),
    ]
    help_lines = (
        "1. 每行一条核销记录，可直接上传云闪付、支付宝、微信、美团等平台导出的 CSV（UTF-8 或 GBK）或 .xlsx。",
        "2. 券批次须与活动中登记的批次名称或编号一致；核销时间须在活动期间内；优惠金额不能大于订单金额。",
        "3. 同一文件内券码不能重复；已导入过的券码自动跳过，重叠的导出文件不会重复计算。",
        "4. 任何一行有错误时整个文件都不写入。",
    )

    def upload_limit(self) -> int:
        return int(settings.VOUCHER_UPLOAD_MAX_BYTES)

    def read(self, path, kind: str):
        return RowStream(path, kind, skip_sheets=(HELP_SHEET_NAME,))

    def example_row(self):
        return {
            "batch": "餐饮满100减30",
            "code": "YSF202605010000001",
            "redeemed_at": "2026-05-01 12:30:45",
            "merchant": "云河老字号餐饮有限公司",
            "credit_code": "91419902MA0000001X",
            "county": "河东区",
            "order_cents": 128.5,
            "discount_cents": 30,
        }

    def success_message(self, result: ImportResult) -> str:
        return (
            f"已导入“{result.file_name}”：新增核销 {result.created} 条，"
            f"{result.unchanged} 条此前已导入（跳过，不重复计算）。"
        )

    # --- the run ----------------------------------------------------------------------------

    def run(self, *, rows, actor, file_name: str, commit: bool, campaign=None, **options):
        result = ImportResult(file_name=file_name)
        camp = VoucherCampaign.objects.restrict(actor, "import").filter(pk=campaign).first()
        if camp is None:
            result.file_error = "请选择一个您可以导入数据的消费券活动。"
            return result
        try:
            with transaction.atomic():
                self._import(rows, actor=actor, campaign=camp, result=result, commit=commit)
        except _Rollback:
            return result
        except UploadRejected as exc:
            return ImportResult(file_name=file_name, file_error=str(exc))
        except IntegrityError:
            return ImportResult(file_name=file_name, file_error=self.conflict_message)
        result.committed = True
        return result

    def _import(self, rows, *, actor, campaign, result, commit):
        conn = connections[DEFAULT_DB_ALIAS]
        qn = conn.ops.quote_name
        iterator = iter(rows)
        header = next(iterator, None)
        if header is None:
            result.file_error = "文件中没有数据。"
            raise _Rollback
        mapping, written = header_map(self.columns, header)
        missing = [c.header for c in self.columns if c.required and c.field not in mapping]
        if missing:
            result.file_error = f"第1行应为表头，缺少必填列：{'、'.join(missing)}。请使用导入模板或平台导出的原始文件。"
            raise _Rollback
        context = _Context(actor=actor, campaign=campaign)
        red_table = qn(VoucherRedemption._meta.db_table)
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                # One import at a time per table: the rows this import adds are then exactly
                # those above the highest id before it, and merchant ids are this import's to
                # give (SQLite's write transaction already holds the whole database).
                cursor.execute(f"LOCK TABLE {red_table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(
                    f"LOCK TABLE {qn(VoucherMerchant._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE"
                )
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {red_table}")
            before = cursor.fetchone()[0]
        merchant_base = allocate_ids(VoucherMerchant, 1)[0] - 1
        new_merchants: list[tuple] = []
        daily: dict[tuple, list] = {}
        per_merchant: dict[tuple, list] = {}
        rows_gen = self._rows(
            iterator,
            mapping=mapping,
            written=written,
            context=context,
            result=result,
            merchant_base=merchant_base,
            new_merchants=new_merchants,
            vendor=conn.vendor,
            daily=daily,
            per_merchant=per_merchant,
        )
        inserted = insert_rows(
            VoucherRedemption,
            REDEMPTION_FIELDS,
            rows_gen,
            batch_size=10000,
            skip_conflicts=("campaign", "code"),
            ready=("redeemed_at", "day") if conn.vendor == "sqlite" else (),
        )
        if result.file_error or result.errors:
            raise _Rollback
        if result.total == 0:
            result.file_error = "文件中没有数据。"
            raise _Rollback
        result.created = inserted
        result.unchanged = result.total - inserted
        if new_merchants:
            insert_rows(
                VoucherMerchant,
                ["id", "name", "credit_code", "key", "county", "enterprise", "match"],
                new_merchants,
            )
            if conn.vendor == "postgresql":
                table = VoucherMerchant._meta.db_table
                with conn.cursor() as cursor:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                        [qn(table), merchant_base + len(new_merchants)],
                    )
        self._preview_context(result, context, new_merchants)
        if inserted == result.total:
            # Every row handed over was new: the totals gathered while reading are exact.
            self._write_totals(campaign, context, daily, per_merchant, conn)
        elif inserted:
            # Some were stored already (an overlapping export): total what was written.
            self._add_totals(campaign, before, conn)
        if not commit:
            raise _Rollback
        self._keep(rows, actor=actor, campaign=campaign, result=result)

    def _rows(
        self,
        rows,
        *,
        mapping,
        written,
        context,
        result,
        merchant_base,
        new_merchants,
        vendor,
        daily,
        per_merchant,
    ):
        """The checked rows as ``insert_rows`` takes them; a row with errors stops the writing
        (nothing more is yielded) but every row is still checked."""
        header_of = {}
        for c in self.columns:
            i = mapping.get(c.field)
            header_of[c.field] = (written[i] if i is not None else "") or c.header
        idx = [mapping.get(f, -1) for f in (c.field for c in self.columns)]
        bi, ci, ti, mi, cci, coi, oi, di = idx
        width = max(idx) + 1
        campaign_id = context.campaign.pk
        start, end = context.campaign.start_on, context.campaign.end_on
        period = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
        batches, counties, all_counties = context.batches, context.counties, context.all_counties
        own_county = context.own_county
        merchants, by_code, by_name = context.merchants, context.by_code, context.by_name
        tz = timezone.get_default_timezone()
        utc = datetime.UTC
        offsets: dict = {}
        sqlite = vendor == "sqlite"
        seen: dict[str, int] = {}
        errors = result.errors
        failed = False
        total = 0
        rowno = 1

        def err(field, value, reason):
            nonlocal failed
            failed = True
            if len(errors) < MAX_ERRORS:
                errors.append(RowError(rowno, header_of[field], cell_text(value), reason))
            else:
                result.context["more_errors"] = result.context.get("more_errors", 0) + 1

        for raw in rows:
            rowno += 1
            if len(raw) < width:
                raw = list(raw) + [""] * (width - len(raw))
            if not any(raw):
                continue
            total += 1
            ok = True
            # 券批次
            value = raw[bi]
            batch = batches.get(value.strip() if value.__class__ is str else cell_text(value))
            if batch is None:
                text = cell_text(value)
                err(
                    "batch",
                    value,
                    "不能为空。"
                    if not text
                    else f"本活动没有批次“{text}”（已登记：{'、'.join(batches) or '无'}）。",
                )
                ok = False
            # 券码
            value = raw[ci]
            code = value.strip() if value.__class__ is str else cell_text(value)
            if not code:
                err("code", value, "券码/流水号不能为空。")
                ok = False
            elif len(code) > 64:
                err("code", value, "券码/流水号不能超过64个字符。")
                ok = False
            else:
                first = seen.setdefault(code, rowno)
                if first != rowno:
                    err("code", value, f"券码与第{first}行重复（同一文件内券码不能重复）。")
                    ok = False
            # 核销时间
            value = raw[ti]
            try:
                when = parse_time(value)
            except (ValueError, TypeError, AttributeError):
                when = None
                err("redeemed_at", value, "核销时间格式应为 2026-05-01 12:30:45。")
                ok = False
            if when is not None:
                if when.tzinfo is not None:
                    when = timezone.make_naive(when, tz)
                day = when.date()
                if day < start or day > end:
                    err("redeemed_at", value, f"核销时间不在活动期间（{period}）内。")
                    ok = False
            # 县区
            value = raw[coi]
            name = value.strip() if value.__class__ is str else cell_text(value)
            county = counties.get(name)
            if county is None:
                if not name:
                    reason = "县区不能为空。"
                elif name in all_counties:
                    reason = f"“{name}”不在本活动覆盖的县(市、区)内（{'、'.join(counties)}）。"
                else:
                    reason = f"“{name}”不是本市的县(市、区)。"
                err("county", value, reason)
                ok = False
            elif own_county is not None and county != own_county:
                err(
                    "county",
                    value,
                    f"“{name}”不在您的管辖范围：县级用户只能导入本县(市、区)的核销数据。",
                )
                ok = False
            # 金额: the plain case inline (a million rows), anything else through parse_cents
            value = raw[oi]
            try:
                amount = float(value)
                order = round(amount * 100)
                if not 0 <= order < MAX_CENTS or abs(amount * 100 - order) > 1e-6:
                    raise ValueError
            except (ValueError, TypeError, OverflowError):
                try:
                    order = parse_cents(value)
                except ValueError as exc:
                    order = None
                    err("order_cents", value, f"订单金额{exc}")
                    ok = False
            value = raw[di]
            try:
                amount = float(value)
                discount = round(amount * 100)
                if not 0 <= discount < MAX_CENTS or abs(amount * 100 - discount) > 1e-6:
                    raise ValueError
            except (ValueError, TypeError, OverflowError):
                try:
                    discount = parse_cents(value)
                except ValueError as exc:
                    discount = None
                    err("discount_cents", value, f"优惠金额{exc}")
                    ok = False
            if order is not None and discount is not None and discount > order:
                err("discount_cents", raw[di], "优惠金额不能大于订单金额。")
                ok = False
            # 商户
            value = raw[mi]
            mname = value.strip() if value.__class__ is str else cell_text(value)
            credit = ""
            if cci >= 0:
                value = raw[cci]
                credit = (value.strip() if value.__class__ is str else cell_text(value)).upper()
            if not mname:
                err("merchant", raw[mi], "商户名称不能为空。")
                ok = False
            elif len(mname) > 200:
                err("merchant", raw[mi], "商户名称不能超过200个字。")
                ok = False
            if credit and (len(credit) != 18 or not credit.isalnum()):
                err("credit_code", raw[cci], "统一社会信用代码应为18位数字或大写字母。")
                ok = False
            if not ok or failed:
                continue
            key = credit or f"名称:{mname}"
            merchant = merchants.get(key)
            if merchant is None:
                merchant = merchant_base + len(new_merchants) + 1
                enterprise = by_code.get(credit) if credit else None
                match = MatchKind.CREDIT_CODE if enterprise else MatchKind.NONE
                if enterprise is None:
                    enterprise = by_name.get(mname)
                    if enterprise is not None:
                        match = MatchKind.NAME
                new_merchants.append(
                    (merchant, mname, credit, key[:220], county, enterprise, match.value)
                )
                merchants[key] = merchant
            # 核销时间 in UTC and the day as text for SQLite's columns (the engine writes them as
            # given: a million distinct timestamps are no cache's work).
            # The totals of the rows handed over (exact when none is already stored).
            total_key = (batch[0], county, day)
            acc = daily.get(total_key)
            if acc is None:
                daily[total_key] = [1, order, discount]
            else:
                acc[0] += 1
                acc[1] += order
                acc[2] += discount
            total_key = (merchant, county)
            acc = per_merchant.get(total_key)
            if acc is None:
                per_merchant[total_key] = [1, order, discount, day, day]
            else:
                acc[0] += 1
                acc[1] += order
                acc[2] += discount
                if day < acc[3]:
                    acc[3] = day
                elif day > acc[4]:
                    acc[4] = day
            if sqlite:
                known = offsets.get(day)
                if known is None:
                    known = offsets[day] = (when.replace(tzinfo=tz).utcoffset(), day.isoformat())
                stamp = (when - known[0]).isoformat(" ")
                yield (
                    campaign_id,
                    batch[0],
                    code,
                    stamp,
                    known[1],
                    merchant,
                    county,
                    order,
                    discount,
                )
            else:
                stamp = when.replace(tzinfo=tz).astimezone(utc)
                yield (campaign_id, batch[0], code, stamp, day, merchant, county, order, discount)
        result.total = total

    def _write_totals(self, campaign, context, daily, per_merchant, conn) -> None:
        """Add the totals gathered while reading to the daily and per-merchant totals."""
        qn = conn.ops.quote_name
        industry = {pk: ind for pk, ind in context.batches.values()}
        least, greatest = ("min", "max") if conn.vendor == "sqlite" else ("least", "greatest")
        with conn.cursor() as cursor:
            t = qn(VoucherDaily._meta.db_table)
            cursor.executemany(
                f"INSERT INTO {t} (campaign_id, batch_id, industry, county_id, day, redeemed, "
                "order_cents, discount_cents) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (campaign_id, batch_id, county_id, day) DO UPDATE SET "
                f"redeemed = {t}.redeemed + excluded.redeemed, "
                f"order_cents = {t}.order_cents + excluded.order_cents, "
                f"discount_cents = {t}.discount_cents + excluded.discount_cents",
                [
                    (campaign.pk, b, industry[b], c, day.isoformat(), *v)
                    for (b, c, day), v in daily.items()
                ],
            )
            t = qn(VoucherMerchantTotal._meta.db_table)
            cursor.executemany(
                f"INSERT INTO {t} (campaign_id, merchant_id, county_id, redeemed, order_cents, "
                "discount_cents, first_day, last_day) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (campaign_id, merchant_id, county_id) DO UPDATE SET "
                f"redeemed = {t}.redeemed + excluded.redeemed, "
                f"order_cents = {t}.order_cents + excluded.order_cents, "
                f"discount_cents = {t}.discount_cents + excluded.discount_cents, "
                f"first_day = {least}({t}.first_day, excluded.first_day), "
                f"last_day = {greatest}({t}.last_day, excluded.last_day)",
                [
                    (campaign.pk, m, c, n, o, d, first.isoformat(), last.isoformat())
                    for (m, c), (n, o, d, first, last) in per_merchant.items()
                ],
            )

    def _add_totals(self, campaign, before, conn) -> None:
        """Add the rows this import wrote (ids above ``before``) to the daily and per-merchant
        totals, in SQL and in the import's transaction."""
        qn = conn.ops.quote_name
        red = qn(VoucherRedemption._meta.db_table)
        batch = qn(VoucherBatch._meta.db_table)
        least, greatest = ("min", "max") if conn.vendor == "sqlite" else ("least", "greatest")
        with conn.cursor() as cursor:
            t = qn(VoucherDaily._meta.db_table)
            cursor.execute(
                f"INSERT INTO {t} (campaign_id, batch_id, industry, county_id, day, redeemed, "
                "order_cents, discount_cents) "
                "SELECT r.campaign_id, r.batch_id, min(b.industry), r.county_id, r.day, count(*), "
                f"sum(r.order_cents), sum(r.discount_cents) FROM {red} r "
                f"JOIN {batch} b ON b.id = r.batch_id "
                "WHERE r.id > %s AND r.campaign_id = %s "
                "GROUP BY r.campaign_id, r.batch_id, r.county_id, r.day "
                "ON CONFLICT (campaign_id, batch_id, county_id, day) DO UPDATE SET "
                f"redeemed = {t}.redeemed + excluded.redeemed, "
                f"order_cents = {t}.order_cents + excluded.order_cents, "
                f"discount_cents = {t}.discount_cents + excluded.discount_cents",
                [before, campaign.pk],
            )
            t = qn(VoucherMerchantTotal._meta.db_table)
            cursor.execute(
                f"INSERT INTO {t} (campaign_id, merchant_id, county_id, redeemed, order_cents, "
                "discount_cents, first_day, last_day) "
                "SELECT campaign_id, merchant_id, county_id, count(*), sum(order_cents), "
                f"sum(discount_cents), min(day), max(day) FROM {red} "
                "WHERE id > %s AND campaign_id = %s "
                "GROUP BY campaign_id, merchant_id, county_id "
                "ON CONFLICT (campaign_id, merchant_id, county_id) DO UPDATE SET "
                f"redeemed = {t}.redeemed + excluded.redeemed, "
                f"order_cents = {t}.order_cents + excluded.order_cents, "
                f"discount_cents = {t}.discount_cents + excluded.discount_cents, "
                f"first_day = {least}({t}.first_day, excluded.first_day), "
                f"last_day = {greatest}({t}.last_day, excluded.last_day)",
                [before, campaign.pk],
            )

    def _preview_context(self, result, context, new_merchants) -> None:
        by_name = [m for m in new_merchants if m[6] == MatchKind.NAME]
        names = dict(
            Enterprise.objects.filter(pk__in=[m[5] for m in by_name[:50]]).values_list("pk", "name")
        )
        result.context.update(
            new_merchants=len(new_merchants),
            matched_by_code=sum(1 for m in new_merchants if m[6] == MatchKind.CREDIT_CODE),
            matched_by_name=len(by_name),
            name_matches=[(m[1], names.get(m[5], "")) for m in by_name[:50]],
            unmatched=sum(1 for m in new_merchants if m[6] == MatchKind.NONE),
        )

    def _keep(self, rows, *, actor, campaign, result) -> None:
        """The file kept through the file service (SHA-256), the campaign's timeline row and the
        one IMPORT audit row naming the file's digest."""
        with open(rows.path, "rb") as fh:
            stored = file_store(
                model=VoucherImportFile,
                actor=actor,
                upload=File(fh, name=result.file_name),
                kinds=(CSV, XLSX),
                limit=self.upload_limit(),
                quota=False,
                campaign=campaign,
                rows_total=result.total,
                rows_new=result.created,
                rows_stored=result.unchanged,
            )
        event_record(
            VoucherCampaignLog,
            subject=campaign,
            kind=CampaignLogKind.IMPORTED,
            actor=actor,
            note=f"导入核销数据“{stored.name}”：共 {result.total} 行，新增 {result.created} 条，"
            f"此前已导入 {result.unchanged} 条。",
        )
        self.audit_import(
            actor=actor,
            result=result,
            obj=campaign,
            about=f"文件 SHA-256：{stored.sha256}。",
        )
