"""Excel/CSV import of the project library (招商项目批量导入).

The 项目编码 is the key: a new code creates a project, a known code updates what differs, and a
row that matches changes nothing, so importing the same file twice is a no-op. Upload safety and
reading are core.imports' (size, extension, magic bytes, zip bomb, macros; calamine / csv).

Every row goes through the same services as the pages (project_create, project_update,
project_move_stage), so imported stages have their ProjectEvent rows and dates obey the same
rules. All rows run inside one transaction, each in its own savepoint so that every row's errors
are collected; if any row fails, or for a preview, the whole transaction is rolled back: nothing
is half-saved, and the preview counts exactly what the commit would do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from shangwu.core.importer import (
    HELP_SHEET_NAME,
    Amount,
    Choice,
    Code,
    Column,
    Date,
    Importer,
    ImportResult,
    Lookup,
    ParsedRow,
    Quarter,
    YesNo,
)
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import OrgUnit, Region
from shangwu.projects import services
from shangwu.projects.choices import (
    DIVISION_SECTION,
    MILESTONE_FIELDS,
    InvestorType,
    Milestone,
    Origin,
)
from shangwu.projects.models import IndustryChain, Project, Stage

SHEET_NAME = "项目信息"
__all__ = [
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "HELP_SHEET_NAME",
    "SHEET_NAME",
    "TEMPLATE_HEADERS",
    "ImportResult",
    "ProjectImporter",
    "project_import_commit",
    "project_import_preview",
    "project_import_template",
]

COLUMNS = [
    Column(
        "code",
        "项目编码",
        True,
        "唯一编码，作为导入的键；已存在则更新该项目",
        ("编码",),
        max_length=30,
        too_long="项目编码不能超过30个字符。",
    ),
    Column("name", "项目名称", True, "不超过200字", max_length=200, width=22),
    Column(
        "investor_name",
        "投资方",
        True,
        "投资企业或机构名称",
        ("投资主体",),
        max_length=200,
        width=22,
    ),
    Column(
        "investor_type",
        "投资方类型",
        True,
        "/".join(InvestorType.labels),
        parse=Choice.of(InvestorType),
    ),
    Column("origin", "资金来源地", True, "本省/省外/境外", ("来源地",), parse=Choice.of(Origin)),
    Column(
        "origin_place",
        "来源省份或国家(地区)",
        False,
        "省外填省份，境外填国家或地区",
        ("来源省份",),
        max_length=50,
    ),
    Column(
        "industry_division",
        "行业大类",
        False,
        "GB/T 4754-2017 两位大类代码，如 30",
        parse=Code(DIVISION_SECTION, "行业大类应为GB/T 4754-2017的两位大类代码（01—97）。", 2),
    ),
    Column(
        "chain",
        "产业链",
        False,
        "系统中已有的产业链名称",
        parse=Lookup("chains", "系统中没有名为“{value}”的产业链。"),
    ),
    Column("is_key", "重点项目", False, "是/否", parse=YesNo()),
    Column("is_manufacturing", "制造业", False, "是/否", parse=YesNo()),
    Column("is_foreign", "外资", False, "是/否", parse=YesNo()),
    Column("is_fortune500", "世界500强", False, "是/否", parse=YesNo()),
    Column(
        "in_provincial_ledger", "纳入省台账", False, "是/否；填“是”时须填纳入季度", parse=YesNo()
    ),
    Column(
        "ledger_quarter",
        "纳入季度",
        False,
        "如 2025年第1季度 或 2025Q1",
        parse=Quarter("纳入季度应写成“2025年第1季度”或“2025Q1”。"),
        into=("ledger_year", "ledger_quarter"),
    ),
    Column("ledger_batch", "期次", False, "如 第三期", max_length=20),
    Column(
        "total_investment",
        "总投资(万元)",
        True,
        "数字，最多两位小数",
        ("总投资",),
        parse=Amount(),
        title="总投资（万元）",
        empty="总投资不能为空。",
    ),
    Column(
        "contract_fdi",
        "合同外资(万美元)",
        False,
        "数字，可留空",
        ("合同外资",),
        parse=Amount(),
        title="合同外资（万美元）",
    ),
    Column(
        "county",
        "县(市、区)",
        True,
        "本市县(市、区)名称",
        ("县区",),
        parse=Lookup("counties", "本市没有名为“{value}”的县(市、区)。"),
    ),
    Column(
        "township",
        "乡镇(街道)",
        False,
        "所填县(市、区)下的乡镇或街道名称",
        parse=Lookup("townships", "“{within}”下没有名为“{value}”的乡镇(街道)。", within="county"),
    ),
    Column("site", "建设地点", False, "不超过200字", max_length=200, width=22),
    Column(
        "lead_unit",
        "牵头单位",
        False,
        "系统中已有的单位名称或简称",
        parse=Lookup("units", "系统中没有名为“{value}”的单位。"),
    ),
    Column(
        "stage",
        "当前阶段",
        False,
        "系统中的阶段名称（终止请在系统中操作）；留空按已填的最后一个节点日期推定",
        parse=Lookup("stages", "系统中没有名为“{value}”的阶段；可用：{choices}。"),
    ),
    Column("signed_on", "签约时间", False, "日期，如 2025-03-31", parse=Date()),
    Column("registered_on", "注册时间", False, "日期", parse=Date()),
    Column("started_on", "开工时间", False, "日期", parse=Date()),
    Column("producing_on", "投产时间", False, "日期", parse=Date()),
    Column("note", "备注", False, ""),
]
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
TEMPLATE_HEADERS = [c.template_header for c in COLUMNS]
# The record's own fields an import row may change (the key, the stage and the milestone dates
# go through project_move_stage instead).
RECORD_FIELDS = [
    fld
    for c in COLUMNS
    if c.field not in ("code", "stage", *MILESTONE_FIELDS.values())
    for fld in c.into or (c.field,)
]
# Service field errors → the column they came from.
FIELD_COLUMN = {
    "ledger_year": "ledger_quarter",
    "on": "stage",
    "note": "stage",
    "industry_section": "industry_division",
}


@dataclass
class _Lookups:
    """The tables the columns look names up in, loaded once per file."""

    counties: dict
    townships: dict
    chains: dict
    units: dict
    stages: dict
    milestone_stages: list

    @classmethod
    def load(cls):
        counties, townships = {}, {}
        for region in Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]):
            if region.level == RegionLevel.COUNTY:
                counties[region.name] = counties[region.code] = region
            else:
                townships[(region.parent_id, region.name)] = region
        units = {}
        for unit in OrgUnit.objects.filter(is_active=True):
            units.setdefault(unit.name, unit)
            if unit.short_name:
                units.setdefault(unit.short_name, unit)
        stages = list(Stage.objects.order_by("order"))
        return cls(
            counties,
            townships,
            {c.name: c for c in IndustryChain.objects.all()},
            units,
            {s.name: s for s in stages},
            [s for s in stages if s.milestone],
        )


def _in_scope(actor, county, township) -> bool:
    region = actor.region
    if region is None:
        return False
    if region.level == RegionLevel.CITY:
        return True
    if region.level == RegionLevel.COUNTY:
        return county is not None and county.pk == region.pk
    return township is not None and township.pk == region.pk


def _moves(project: Project, row: ParsedRow, lk: _Lookups, actor) -> None:
    """Walk the project forward to the row's stage, one service call per milestone stage."""
    target = row.stage
    if target is None or target.pk == project.stage_id:
        return
    if target.order < project.stage.order or project.stage.is_terminal:
        raise ValidationError(
            {
                "stage": f"项目当前为“{project.stage}”，阶段不能通过导入回退或恢复，请在系统中操作并填写原因。"
            }
        )
    for s in lk.milestone_stages:
        if project.stage.order < s.order <= target.order and s.milestone in row.dates:
            services.project_move_stage(
                project=project, stage=s, on=row.dates[s.milestone], actor=actor, note="批量导入"
            )
    if project.stage_id != target.pk:
        last = max([project.stage_on, *row.dates.values()], default=None)
        services.project_move_stage(
            project=project,
            stage=target,
            on=last or datetime.date.today(),
            actor=actor,
            note="批量导入",
        )


def _apply(row: ParsedRow, existing: Project | None, lk: _Lookups, actor) -> str:
    """Write one row through the services; return "created", "updated" or "unchanged"."""
    if existing is None:
        first = min(row.dates.values(), default=None)
        fields = {k: v for k, v in row.values.items()}
        project = services.project_create(actor=actor, on=first, code=row.code, **fields)
        _moves(project, row, lk, actor)
        return "created"
    changed = {}
    for fld in (*RECORD_FIELDS, "industry_section"):
        if fld in row.values:
            old = getattr(existing, fld)
            if old != row.values[fld]:
                changed[fld] = row.values[fld]
    for m, on in row.dates.items():
        recorded = existing.milestone_date(m)
        if recorded is not None and recorded != on:
            raise ValidationError(
                {
                    MILESTONE_FIELDS[m]: f"已记录的{Milestone(m).label}时间为{recorded:%Y-%m-%d}，"
                    "与导入值不同；请在系统中更正。"
                }
            )
    moving = row.stage is not None and row.stage.pk != existing.stage_id
    if changed:
        services.project_update(project=existing, actor=actor, note="批量导入", **changed)
    if moving:
        _moves(existing, row, lk, actor)
    return "updated" if changed or moving else "unchanged"


class ProjectImporter(Importer):
    """Projects keyed by 项目编码, each row written through the project services."""

    model = Project
    noun = "招商项目"
    counted = "个"
    columns = COLUMNS
    sheet_name = SHEET_NAME
    template_filename = "招商项目导入模板.xlsx"
    field_columns = FIELD_COLUMN
    conflict_message = (
        "导入期间数据被他人修改（项目编码冲突），未写入任何数据，请重新预览后再导入。"
    )
    help_lines = (
        "1. 第1行为表头，请勿修改；从第2行起每行一个项目，示例行请删除或改为真实数据。",
        "2. 以项目编码为准：编码已存在则更新该项目，不存在则新增；重复导入同一文件不会产生任何变化。",
        "3. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
        "4. 阶段只能向前推进，各节点日期不能早于前一节点；回退和终止请在系统中操作并填写原因。",
        "5. 只能导入您数据范围内的项目；支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），不接受启用宏的工作簿。",
    )

    def load_context(self, *, actor, **options):
        return _Lookups.load()

    def check_row(self, row, context):
        """What the columns cannot check alone: the stage against the milestone dates. The row
        keeps ``code``, ``dates`` (milestone → date), ``stage``; ``values`` the record's fields."""
        values = row.values
        row.code = values.pop("code", "")
        if "industry_division" in values:
            values["industry_section"] = DIVISION_SECTION.get(values["industry_division"], "")
        row.dates = {}
        for m, fld in MILESTONE_FIELDS.items():
            on = values.pop(fld, None)
            if on is not None:
                row.dates[m] = on
        row.stage = values.pop("stage", None)
        if row.stage is not None and row.stage.is_terminal:
            row.err(
                "stage",
                row.text("stage"),
                "终止项目请在系统中操作并填写终止原因，不能通过导入终止。",
            )
        elif row.stage is None and not row.has_error("stage"):
            reached = [s for s in context.milestone_stages if s.milestone in row.dates]
            row.stage = reached[-1] if reached else None
        if row.stage is not None and not row.stage.is_terminal:
            for s in context.milestone_stages:
                col = MILESTONE_FIELDS[s.milestone]
                if s.order > row.stage.order and s.milestone in row.dates:
                    row.err(col, row.text(col), f"当前阶段为“{row.stage}”，不应填写{s.name}时间。")
                elif s.pk == row.stage.pk and s.milestone not in row.dates:
                    row.err(col, "", f"当前阶段为“{row.stage}”，请填写{s.name}时间。")

    def check_rows(self, rows, *, actor, context):
        seen = {}
        for row in rows:
            if row.code in seen:
                row.err("code", row.code, f"与第{seen[row.code]}行的项目编码重复。")
            elif row.code:
                seen[row.code] = row.rowno
        existing = {}
        codes = [r.code for r in rows if r.code]
        for start in range(0, len(codes), 500):
            for p in Project.objects.filter(code__in=codes[start : start + 500]).select_related(
                "stage", "county", "township"
            ):
                existing[p.code] = p
        for row in rows:
            project = row.project = existing.get(row.code)
            if project is not None and not _in_scope(actor, project.county, project.township):
                row.err("code", row.code, "该项目编码已存在，且项目不在您的数据范围内。")
            county = row.values.get("county", project.county if project else None)
            township = row.values.get("township", project.township if project else None)
            if county is not None and not _in_scope(actor, county, township):
                row.err("county", county.name, "项目所在地不在您的数据范围内。")
            if project is None:
                missing = [
                    COLUMN_BY_FIELD[f].header
                    for f in ("investor_type", "origin", "county")
                    if f not in row.values and not any(e[0] == f for e in row.errors)
                ]
                for name in missing:
                    row.err("code", row.code, f"新项目须填写“{name}”。")

    def write_row(self, row, *, actor, context):
        return _apply(row, row.project, context, actor)

    def example_row(self):
        county = (
            Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code").first()
        )
        chain = IndustryChain.objects.filter(is_active=True).first()
        return {
            "code": "YH-2026-0001",
            "name": "年产5万吨新型建材项目",
            "investor_name": "示例建材集团有限公司",
            "investor_type": "民企",
            "origin": "省外",
            "origin_place": "江苏",
            "industry_division": "30",
            "chain": chain.name if chain else "",
            "is_key": "是",
            "is_manufacturing": "是",
            "is_foreign": "否",
            "is_fortune500": "否",
            "in_provincial_ledger": "否",
            "total_investment": "50000",
            "county": county.name if county else "",
            "site": "产业集聚区纬三路",
            "stage": "签约",
            "signed_on": "2026-03-31",
        }

    def column_help(self):
        chains = "、".join(
            IndustryChain.objects.filter(is_active=True).values_list("name", flat=True)
        )
        stages = "、".join(Stage.objects.filter(is_terminal=False).values_list("name", flat=True))
        return {"chain": f"。可用：{chains}", "stage": f"。可用：{stages}"}


project_importer = ProjectImporter()
project_import_preview = project_importer.preview
project_import_commit = project_importer.commit
project_import_template = project_importer.template
