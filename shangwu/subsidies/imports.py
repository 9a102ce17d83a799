"""Import of applications from a programme's platform export (以旧换新 平台导出), through the
shared engine (``core.importer``): preview, row errors, all or nothing.

The 申请编号 is the key: a new number creates the application (受理), a known one walks it
forward to the row's status (审核, 拨付 or 驳回) with the row's dates, each step through the
same services as the pages (so each has its event row); a row that matches changes nothing,
so importing the same export twice is a no-op, and an overlapping export never duplicates.
A status never goes back by import. A later export that changed an application (its applicant,
product, amounts, dealer, 受理日期, or the dates of steps taken) corrects it through
``services.subsidy_application_correct``: one event row per application, audited, with the
programme's rules. The dealer is matched to the registry by its 统一社会信用代码 or its name; one
the registry does not hold is kept as text, listed for matching (``dealer_unmatched``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from shangwu.core.importer import Amount, Choice, Column, Date, Importer, Lookup
from shangwu.core.imports import cell_text
from shangwu.enterprises.models import Enterprise
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.subsidies import services
from shangwu.subsidies.choices import STEP_ORDER, ApplicationStatus, ProductCategory
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme


def _units(cell):
    text = cell_text(cell)
    if not text:
        return 1
    try:
        value = int(float(text))
    except ValueError:
        raise ValueError("数量应为正整数。") from None
    if value < 1 or value != float(text):
        raise ValueError("数量应为正整数。")
    return value


COLUMNS = [
    Column("number", "申请编号", True, "平台的申请编号，作为导入的键", max_length=40),
    Column("applicant_name", "申请人", True, "申请人姓名", max_length=50),
    Column("id_number", "身份证号", True, "18位居民身份证号", ("证件号码",), max_length=18),
    Column(
        "category",
        "品类",
        True,
        "/".join(ProductCategory.labels),
        parse=Choice.of(ProductCategory),
    ),
    Column("units", "数量", False, "正整数，留空为1", parse=_units),
    Column("sale_amount", "销售金额", True, "元，最多两位小数", ("销售金额(元)",), parse=Amount()),
    Column(
        "subsidy_amount",
        "补贴金额",
        False,
        "元；留空按补贴标准计算",
        ("补贴金额(元)",),
        parse=Amount(),
    ),
    Column(
        "dealer",
        "经销商",
        False,
        "经销商名称或统一社会信用代码；企业库中没有的按原文登记，待匹配",
        width=24,
    ),
    Column(
        "dealer_code",
        "经销商统一社会信用代码",
        False,
        "18位；填写时优先按代码匹配企业库",
        max_length=18,
        width=22,
    ),
    Column(
        "county",
        "县区",
        True,
        "本市县(市、区)名称",
        ("县(市、区)",),
        parse=Lookup("counties", "本市没有名为“{value}”的县(市、区)。"),
    ),
    Column("accepted_on", "受理日期", True, "日期，如 2026-03-31", parse=Date()),
    Column("status", "状态", True, "受理/审核/拨付/驳回", parse=Choice.of(ApplicationStatus)),
    Column("reviewed_on", "审核日期", False, "审核或驳回的日期", parse=Date()),
    Column("paid_on", "拨付日期", False, "已拨付的日期", parse=Date()),
]
FIELD_COLUMN = {
    "on": "status",
    "override_reason": "subsidy_amount",
    "programme": "number",
    "township": "county",
    "rejected_on": "reviewed_on",
    "dealer_unmatched_name": "dealer",
    "dealer_unmatched_code": "dealer_code",
}


@dataclass
class _Context:
    programme: SubsidyProgramme
    counties: dict
    dealers: dict


class SubsidyApplicationImporter(Importer):
    """Applications keyed by 申请编号, each row written through the application services."""

    model = SubsidyApplication
    noun = "补贴申请"
    counted = "件"
    columns = COLUMNS
    sheet_name = "补贴申请"
    template_filename = "补贴申请导入模板.xlsx"
    field_columns = FIELD_COLUMN
    date_fields = ("accepted_on", "reviewed_on", "paid_on")
    conflict_message = (
        "导入期间数据被他人修改（申请编号冲突），未写入任何数据，请重新预览后再导入。"
    )
    help_lines = (
        "1. 第1行为表头，请勿修改；从第2行起每行一件申请，示例行请删除或改为真实数据。",
        "2. 以申请编号为准：已导入的申请按本次的状态和日期向前办理（审核、拨付、驳回），"
        "并按本次数据更正已变化的申请人、品类、金额、经销商、受理日期和已办步骤的日期"
        "（每处更正记入申请动态）；不会重复登记，重复导入同一文件不会产生任何变化。",
        "3. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
        "4. 状态为“审核”“驳回”须填审核日期，“拨付”须填审核日期和拨付日期；状态不能通过导入回退。",
        "5. 补贴金额与补贴标准不同的，按平台数据登记并注明“按平台导出数据”。"
        "经销商不在企业库中的按原文登记，在申请列表“经销商待匹配企业库”中关联企业库企业。",
        "6. 只能导入您数据范围内县(市、区)的申请；支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。",
    )

    def load_context(self, *, actor, programme=None, **options):
        found = (
            SubsidyProgramme.objects.restrict(actor, "view").filter(pk=programme).first()
            if programme
            else None
        )
        if found is None:
            raise ValidationError("请选择您数据范围内的补贴项目。")
        counties = {}
        for region in Region.objects.filter(level=RegionLevel.COUNTY):
            counties[region.name] = counties[region.code] = region
        dealers = {}
        # The dealers the importing officer may see (as the form's choices): a county's own.
        mine = Enterprise.objects.restrict(actor, "view")
        for pk, name, code in mine.values_list("pk", "name", "credit_code"):
            dealers.setdefault(name, pk)
            if code:
                dealers[code] = pk
        return _Context(programme=found, counties=counties, dealers=dealers)

    def run(self, *, rows, actor, file_name, commit, **options):
        from shangwu.core.importer import ImportResult

        try:
            return super().run(
                rows=rows, actor=actor, file_name=file_name, commit=commit, **options
            )
        except ValidationError as exc:
            return ImportResult(file_name=file_name, file_error="；".join(exc.messages))

    def check_row(self, row, context):
        values = row.values
        text = row.text("dealer")
        code = row.text("dealer_code").upper()
        values.pop("dealer", None)
        values.pop("dealer_code", None)
        row.dealer_id = None
        if code and (len(code) != 18 or not code.isalnum()):
            row.err("dealer_code", code, "统一社会信用代码应为18位数字或大写字母。")
        if code:
            row.dealer_id = context.dealers.get(code)
        if row.dealer_id is None and text:
            row.dealer_id = context.dealers.get(text.upper()) or context.dealers.get(text)
        if row.dealer_id is None and (text or code):
            # Not in the registry (within the officer's scope): kept as the platform gave it,
            # listed for matching (the list's 经销商待匹配企业库) until staff link it.
            if not code and len(text) == 18 and text.isalnum() and text.upper() == text:
                code = text
            values["dealer_unmatched_name"] = (text or code)[:200]
            values["dealer_unmatched_code"] = code[:18]
        id_number = values.get("id_number", "").upper()
        values["id_number"] = id_number
        if id_number and (len(id_number) != 18 or not id_number[:17].isdigit()):
            row.err(
                "id_number",
                row.text("id_number"),
                "身份证号应为18位，前17位为数字，末位为数字或X。",
            )
        status = values.get("status")
        if status in (
            ApplicationStatus.REVIEWED,
            ApplicationStatus.PAID,
            ApplicationStatus.REJECTED,
        ):
            if values.get("reviewed_on") is None and not row.has_error("reviewed_on"):
                row.err(
                    "reviewed_on", "", f"状态为“{ApplicationStatus(status).label}”须填写审核日期。"
                )
        if status == ApplicationStatus.PAID and values.get("paid_on") is None:
            if not row.has_error("paid_on"):
                row.err("paid_on", "", "状态为“拨付”须填写拨付日期。")
        if status in (
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.REVIEWED,
        ):
            if values.get("paid_on") is not None:
                row.err(
                    "paid_on",
                    row.text("paid_on"),
                    f"状态为“{ApplicationStatus(status).label}”不应填写拨付日期。",
                )
        if status == ApplicationStatus.ACCEPTED and values.get("reviewed_on") is not None:
            row.err("reviewed_on", row.text("reviewed_on"), "状态为“受理”不应填写审核日期。")
        accepted, reviewed, paid = (
            values.get(f) for f in ("accepted_on", "reviewed_on", "paid_on")
        )
        if accepted and reviewed and reviewed < accepted:
            row.err("reviewed_on", row.text("reviewed_on"), "审核日期不能早于受理日期。")
        if reviewed and paid and paid < reviewed:
            row.err("paid_on", row.text("paid_on"), "拨付日期不能早于审核日期。")
        sale, subsidy = values.get("sale_amount"), values.get("subsidy_amount")
        if sale is not None and subsidy is not None and subsidy > sale:
            row.err("subsidy_amount", row.text("subsidy_amount"), "补贴金额不能超过销售金额。")

    def check_rows(self, rows, *, actor, context):
        seen = {}
        for row in rows:
            number = row.values.get("number")
            if not number:
                continue
            if number in seen:
                row.err("number", number, f"与第{seen[number]}行的申请编号重复。")
            else:
                seen[number] = row.rowno
        existing = {}
        numbers = list(seen)
        for start in range(0, len(numbers), 500):
            for app in SubsidyApplication.objects.filter(number__in=numbers[start : start + 500]):
                existing[app.number] = app
        mine = set(
            SubsidyApplication.objects.restrict(actor, "change")
            .filter(pk__in=[a.pk for a in existing.values()])
            .values_list("pk", flat=True)
        )
        for row in rows:
            app = row.application = existing.get(row.values.get("number"))
            if app is None:
                continue
            if app.pk not in mine:
                row.err("number", app.number, "该申请编号已存在，且申请不在您的数据范围内。")
            elif app.programme_id != context.programme.pk:
                row.err("number", app.number, f"该申请编号已登记在补贴项目“{app.programme}”中。")
            status = row.values.get("status")
            if (
                status
                and STEP_ORDER[ApplicationStatus(status)]
                < STEP_ORDER[ApplicationStatus(app.status)]
            ):
                row.err(
                    "status",
                    row.text("status"),
                    f"该申请已是“{app.get_status_display()}”，状态不能通过导入回退。",
                )
            elif (
                status
                and app.status in (ApplicationStatus.PAID, ApplicationStatus.REJECTED)
                and status != app.status
            ):
                row.err(
                    "status",
                    row.text("status"),
                    f"该申请已{app.get_status_display()}，不能改为“{ApplicationStatus(status).label}”。",
                )

    def write_row(self, row, *, actor, context):
        values = dict(row.values)
        status = ApplicationStatus(values.pop("status"))
        reviewed_on = values.pop("reviewed_on", None)
        paid_on = values.pop("paid_on", None)
        app = row.application
        outcome = "unchanged"
        if row.dealer_id is not None:
            values["dealer"] = Enterprise.objects.get(pk=row.dealer_id)
        if app is None:
            fields = {
                k: v
                for k, v in values.items()
                if k in services.APPLICATION_FIELDS and k != "subsidy_amount"
            }
            rule = services.subsidy_rule_amount(
                programme=context.programme,
                category=values["category"],
                units=values.get("units", 1),
                sale_amount=values["sale_amount"],
            )
            subsidy = values.get("subsidy_amount")
            if subsidy is not None:
                fields["subsidy_amount"] = subsidy
                if rule is not None and subsidy != rule:
                    fields["override_reason"] = "按平台导出数据"
            app = services.subsidy_application_create(
                actor=actor,
                programme=context.programme,
                note="平台导出导入",
                **fields,
            )
            outcome = "created"
        order = STEP_ORDER[status]
        if (
            order >= 1
            and app.status == ApplicationStatus.ACCEPTED
            and status != ApplicationStatus.REJECTED
        ):
            services.subsidy_application_review(
                application=app, actor=actor, on=reviewed_on, note="导入：审核通过"
            )
            outcome = "updated" if outcome == "unchanged" else outcome
        if status == ApplicationStatus.PAID and app.status == ApplicationStatus.REVIEWED:
            services.subsidy_application_pay(
                application=app, actor=actor, on=paid_on, note="导入：拨付"
            )
            outcome = "updated" if outcome == "unchanged" else outcome
        if status == ApplicationStatus.REJECTED and app.status != ApplicationStatus.REJECTED:
            services.subsidy_application_reject(
                application=app, actor=actor, on=reviewed_on, reason="平台驳回（导入）"
            )
            outcome = "updated" if outcome == "unchanged" else outcome
        if outcome == "unchanged" and _corrected(app, values, reviewed_on, paid_on, actor):
            outcome = "updated"
        return outcome

    def example_row(self):
        return {
            "number": "YJHX-2026-000001",
            "applicant_name": "张三",
            "id_number": "419902199001011234",
            "category": "冰箱",
            "units": 1,
            "sale_amount": "3999",
            "subsidy_amount": "",
            "dealer": "",
            "dealer_code": "",
            "county": "河东区",
            "accepted_on": "2026-03-02",
            "status": "拨付",
            "reviewed_on": "2026-03-05",
            "paid_on": "2026-03-12",
        }


def _corrected(app, values, reviewed_on, paid_on, actor) -> bool:
    """A later export of an application already stored: what changed on the platform (the
    record, the amounts, the dates of steps taken) corrected through
    ``subsidy_application_correct`` (one event row, audited); the same row again: nothing."""
    fields = {}
    for name in ("applicant_name", "id_number", "category", "units", "sale_amount", "accepted_on"):
        if name in values and values[name] != getattr(app, name):
            fields[name] = values[name]
    if "county" in values and values["county"].pk != app.county_id:
        fields["county"] = values["county"]
        if app.township_id and app.township.parent_id != values["county"].pk:
            fields["township"] = None
    subsidy = values.get("subsidy_amount")
    if subsidy is not None and subsidy != app.subsidy_amount:
        fields["subsidy_amount"] = subsidy
    if subsidy is not None and ({"category", "units", "sale_amount"} & set(fields)):
        fields["subsidy_amount"] = subsidy
    if fields.get("subsidy_amount") is not None:
        rule = services.subsidy_rule_amount(
            programme=app.programme,
            category=fields.get("category", app.category),
            units=fields.get("units", app.units),
            sale_amount=fields.get("sale_amount", app.sale_amount),
        )
        fields["override_reason"] = (
            "按平台导出数据" if rule is not None and fields["subsidy_amount"] != rule else ""
        )
    dealer = values.get("dealer")
    if dealer is not None and dealer.pk != app.dealer_id:
        fields["dealer"] = dealer
    elif dealer is None and app.dealer_id is None and values.get("dealer_unmatched_name"):
        for name in ("dealer_unmatched_name", "dealer_unmatched_code"):
            if values.get(name, "") != getattr(app, name):
                fields[name] = values.get(name, "")
    # The dates of steps taken: 审核 (or 驳回: the export's 审核日期 column) and 拨付.
    if app.status == ApplicationStatus.REJECTED:
        if reviewed_on and reviewed_on != app.rejected_on:
            fields["rejected_on"] = reviewed_on
    elif reviewed_on and app.reviewed_on and reviewed_on != app.reviewed_on:
        fields["reviewed_on"] = reviewed_on
    if paid_on and app.paid_on and paid_on != app.paid_on:
        fields["paid_on"] = paid_on
    if not fields:
        return False
    return services.subsidy_application_correct(application=app, actor=actor, **fields)


subsidy_application_importer = SubsidyApplicationImporter()
