"""Import of funded programmes' funds and milestones (示范县等创建资金、节点) through the shared
engine (``core.importer``): preview, Chinese row errors, all or nothing.

A row names its programme by the designation's 名称 (as the pages show it), among the funded
designations the importing officer may change; each row is written through the same services
as the pages (``programme_fund_set``, ``programme_milestone_set`` /
``programme_milestone_complete``), so each has its event row and its audit rows. A fund is keyed
by programme, source and year, a milestone by programme and node: importing the same file twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from shangwu.core.importer import Amount, Choice, Column, Date, Importer, Lookup
from shangwu.core.imports import cell_text
from shangwu.designations import services
from shangwu.designations.choices import FundSource, MilestoneKind, MilestoneResult
from shangwu.designations.models import Designation, ProgrammeFund, ProgrammeMilestone

PROGRAMME_HELP = "荣誉认定的名称，与系统中一致（如“县域商业体系建设示范县·河东区”）"


def _year(cell):
    text = cell_text(cell)
    try:
        year = int(float(text))
    except ValueError:
        raise ValueError("年度应为四位数字，如 2026。") from None
    if year != float(text) or not 2000 <= year <= 2100:
        raise ValueError("年度应为四位数字，如 2026。")
    return year


def _programme_column():
    return Column(
        "designation",
        "荣誉认定",
        True,
        PROGRAMME_HELP,
        ("名称", "项目名称", "示范项目"),
        parse=Lookup(
            "programmes",
            "您可修改的有资金支持的荣誉认定中没有“{value}”（须与系统中的名称一致）。",
        ),
        width=36,
    )


@dataclass
class _Context:
    programmes: dict


def _programmes(actor) -> _Context:
    """The funded designations the officer may change, by name; a name two of them share is
    kept out (a row naming it is told so)."""
    found: dict = {}
    shared = set()
    qs = Designation.objects.restrict(actor, "change").filter(kind__carries_funds=True)
    for d in qs.only("id", "name", "county_id", "township_id", "kind_id"):
        if d.name in found:
            shared.add(d.name)
        found[d.name] = d
    for name in shared:
        found.pop(name)
    return _Context(programmes=found)


class ProgrammeFundImporter(Importer):
    """创建资金: one row per programme, source and year (万元)."""

    model = ProgrammeFund
    noun = "创建资金"
    counted = "条"
    sheet_name = "创建资金"
    template_filename = "创建资金导入模板.xlsx"
    columns = [
        _programme_column(),
        Column("year", "年度", True, "四位数字，如 2026", parse=_year, width=8),
        Column(
            "source",
            "资金来源",
            True,
            "/".join(FundSource.labels),
            ("来源",),
            parse=Choice.of(FundSource),
        ),
        Column("budget", "预算", True, "万元，最多两位小数", ("预算（万元）",), parse=Amount()),
        Column("allocated", "已下达", False, "万元；留空为0", ("已下达（万元）",), parse=Amount()),
        Column(
            "spent",
            "已支出",
            False,
            "万元；留空为0，不超过已下达",
            ("已支出（万元）",),
            parse=Amount(),
        ),
    ]
    help_lines = (
        "1. 第1行为表头，请勿修改；从第2行起每行为一个创建项目某年度某来源的资金，示例行请删除。",
        "2. 同一项目、同一年度、同一来源已登记的，按本次数据更新；重复导入同一文件不会产生变化。",
        "3. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
        "4. 只能导入您可修改的、有资金支持的荣誉认定（示范县等）；支持 .xlsx 和 .csv。",
    )

    def load_context(self, *, actor, **options):
        return _programmes(actor)

    def example_row(self):
        return {
            "designation": "县域商业体系建设示范县·河东区",
            "year": 2026,
            "source": FundSource.CENTRAL.label,
            "budget": "500.00",
            "allocated": "300.00",
            "spent": "120.50",
        }

    def check_row(self, row, context):
        values = row.values
        for name in ("allocated", "spent"):
            if values.get(name) is None and not row.has_error(name):
                values[name] = 0
        allocated, spent = values.get("allocated"), values.get("spent")
        if allocated is not None and spent is not None and spent > allocated:
            row.err("spent", row.text("spent"), f"已支出（{spent}）不能超过已下达（{allocated}）。")

    def check_rows(self, rows, *, actor, context):
        seen = {}
        for row in rows:
            v = row.values
            if row.errors or v.get("designation") is None:
                continue
            key = (v["designation"].pk, v["year"], v["source"])
            if key in seen:
                row.err(
                    "source", row.text("source"), f"与第{seen[key]}行重复（同一项目、年度、来源）。"
                )
            else:
                seen[key] = row.rowno

    def write_row(self, row, *, actor, context):
        v = row.values
        before = (
            ProgrammeFund.objects.filter(
                designation=v["designation"], source=v["source"], year=v["year"]
            )
            .values_list("budget", "allocated", "spent")
            .first()
        )
        after = (v["budget"], v["allocated"], v["spent"])
        if before is not None and tuple(before) == after:
            return "unchanged"
        services.programme_fund_set(
            designation=v["designation"],
            actor=actor,
            source=v["source"],
            year=v["year"],
            budget=v["budget"],
            allocated=v["allocated"],
            spent=v["spent"],
        )
        return "created" if before is None else "updated"


class ProgrammeMilestoneImporter(Importer):
    """创建节点: one row per programme and node; a done date and result mark it done."""

    model = ProgrammeMilestone
    noun = "创建节点"
    counted = "个"
    sheet_name = "创建节点"
    template_filename = "创建节点导入模板.xlsx"
    date_fields = ("due_on", "done_on")
    field_columns = {"result": "result", "on": "done_on"}
    columns = [
        _programme_column(),
        Column(
            "kind", "节点", True, "/".join(MilestoneKind.labels), parse=Choice.of(MilestoneKind)
        ),
        Column("due_on", "计划完成日期", True, "日期，如 2026-12-31", parse=Date()),
        Column("done_on", "完成日期", False, "已完成的填写，不晚于今天", parse=Date()),
        Column(
            "result",
            "结果",
            False,
            "/".join(MilestoneResult.labels) + "；填完成日期时必填",
            parse=Choice.of(MilestoneResult),
        ),
        Column("note", "说明", False, "不超过300字", max_length=300, width=30),
    ]
    help_lines = (
        "1. 第1行为表头，请勿修改；从第2行起每行为一个创建项目的一个节点，示例行请删除。",
        "2. 同一项目的同一节点已安排的，按本次的计划日期更新；填写完成日期和结果的登记为已完成。",
        "3. 已完成的节点不能通过导入改动完成日期或结果。",
        "4. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
        "5. 只能导入您可修改的、有资金支持的荣誉认定（示范县等）；支持 .xlsx 和 .csv。",
    )

    def load_context(self, *, actor, **options):
        return _programmes(actor)

    def example_row(self):
        return {
            "designation": "县域商业体系建设示范县·河东区",
            "kind": MilestoneKind.ACCEPTANCE.label,
            "due_on": "2026-12-31",
            "done_on": "",
            "result": "",
            "note": "",
        }

    def check_row(self, row, context):
        v = row.values
        done, result = v.get("done_on"), v.get("result")
        if done is not None and not result and not row.has_error("result"):
            row.err("result", "", "填写了完成日期须同时填写结果。")
        if result and done is None and not row.has_error("done_on"):
            row.err("done_on", "", "填写了结果须同时填写完成日期。")

    def check_rows(self, rows, *, actor, context):
        seen = {}
        for row in rows:
            v = row.values
            if row.errors or v.get("designation") is None:
                continue
            key = (v["designation"].pk, v["kind"])
            if key in seen:
                row.err("kind", row.text("kind"), f"与第{seen[key]}行重复（同一项目、同一节点）。")
            else:
                seen[key] = row.rowno

    def write_row(self, row, *, actor, context):
        v = row.values
        d, kind, due = v["designation"], v["kind"], v["due_on"]
        note = v.get("note") or ""
        done, result = v.get("done_on"), v.get("result") or ""
        m = ProgrammeMilestone.objects.filter(designation=d, kind=kind).first()
        if m is not None and m.done_on is not None:
            if done is not None and (done, result) != (m.done_on, m.result):
                raise ValidationError(
                    {"done_on": f"“{m.get_kind_display()}”已于{m.done_on:%Y-%m-%d}完成，不能改动。"}
                )
            if m.due_on != due:
                raise ValidationError({"due_on": "已完成的节点不能改动计划完成日期。"})
        outcome = "unchanged"
        if m is None:
            m = services.programme_milestone_set(
                designation=d, actor=actor, kind=kind, due_on=due, note=note
            )
            outcome = "created"
        elif m.due_on != due or (note and note != m.note):
            m = services.programme_milestone_set(
                designation=d, actor=actor, kind=kind, due_on=due, note=note or m.note
            )
            outcome = "updated"
        if done is not None and m.done_on is None:
            services.programme_milestone_complete(
                milestone=m, actor=actor, done_on=done, result=result
            )
            outcome = "created" if outcome == "created" else "updated"
        return outcome


programme_fund_importer = ProgrammeFundImporter()
programme_milestone_importer = ProgrammeMilestoneImporter()
