"""督办通报 for one reporting cycle: a page, an .xlsx workbook and a 公文-format .docx (the
same format as the monthly bulletin), all from ``selectors.bulletin_context``."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core import views as generic
from shangwu.core.exports import DOCX, XLSX, download, formula_safe_workbook, safe_cell
from shangwu.tasks import cycles, selectors
from shangwu.tasks.choices import ReportState
from shangwu.tasks.models import Plan


class BulletinView(generic.BaseObjectView):
    """GET ?plan=&cycle=: the bulletin of a cycle (default: this year's plan, last cycle due)."""

    queryset = Plan.objects.all()
    template_name = "tasks/bulletin.html"

    def choose(self):
        user = self.request.user
        plans = list(selectors.plan_list_visible(user=user).order_by("-year", "-created_at", "-id"))
        plan = None
        wanted = self.request.GET.get("plan", "")
        if wanted.isdigit():
            plan = next((p for p in plans if p.pk == int(wanted)), None)
        if plan is None and plans:
            # selectors.plan_current, read from the list at hand (not a query of its own): this
            # year's latest plan, else the most recent one.
            year = timezone.localdate().year
            plan = next((p for p in plans if p.year == year), plans[0])
        choices = selectors.bulletin_cycles(plan=plan) if plan else []
        cycle = None
        wanted = self.request.GET.get("cycle", "")
        if wanted.isdigit() and int(wanted) in {c for c, _ in choices}:
            cycle = int(wanted)
        elif choices:
            cycle = choices[0][0]
        return plans, plan, choices, cycle

    def context(self):
        plans, plan, choices, cycle = self.choose()
        context = {
            "plans": plans,
            "plan": plan,
            "cycle_choices": choices,
            "cycle": cycle,
            "model_name": "督办通报",
        }
        if plan is not None and cycle is not None:
            ctx = selectors.bulletin_context(user=self.request.user, plan=plan, cycle=cycle)
            context.update({"b": ctx, "summary": selectors.bulletin_summary_text(ctx)})
        return context

    def get(self, request, *args, **kwargs):
        try:
            context = self.context()
        except cycles.CalendarYearUnknown as exc:
            context = {"calendar_error": str(exc), "model_name": "督办通报"}
        return render(request, self.template_name, self.base_context(**context))


class _BulletinDownload(BulletinView):
    action = "export"

    def get(self, request, *args, **kwargs):
        try:
            context = self.context()
        except cycles.CalendarYearUnknown as exc:
            return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        if "b" not in context:
            return HttpResponse(
                "没有可以通报的周期。", status=404, content_type="text/plain; charset=utf-8"
            )
        b = context["b"]
        content, ext, content_type = self.build(b, context["summary"])
        audit_write(
            action=AuditAction.EXPORT,
            object_type="tasks.plan",
            object_id=str(b["plan"].pk),
            object_repr=str(b["plan"]),
            detail=f"导出督办通报（{b['label']}，.{ext}）",
        )
        filename = f"督办通报-{b['plan'].title}-{b['label']}.{ext}"
        return download(content, filename, content_type)


def _lagging_rows(b):
    return [
        [f.task.code, f.task.title, str(f.task.lead_unit or "—"), "；".join(f.reasons)]
        for f in b["lagging"]
    ]


def _unit_rows(b):
    """The table 各单位情况: each unit's figures (``UnitStats.cells``), counts as numbers."""
    return [
        [str(u.unit), *(int(c["text"]) if c["text"].isdigit() else c["text"] for c in u.cells)]
        for u in b["units"]
    ]


UNIT_HEADERS = [
    "单位",
    "牵头任务",
    "已完成",
    "正常推进",
    "滞后",
    "应报",
    "按时",
    "逾期",
    "未报",
    "按时报送率",
]


class BulletinXlsxView(_BulletinDownload):
    def build(self, b, summary):

        buffer = io.BytesIO()
        wb = formula_safe_workbook(buffer)
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        title = wb.add_format({"bold": True, "font_size": 14})

        def sheet(name, headers, rows, widths):
            ws = wb.add_worksheet(name)
            for col, (text, width) in enumerate(zip(headers, widths, strict=False)):
                ws.write_string(0, col, text, head)
                ws.set_column(col, col, width)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    value = safe_cell(value)
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        ws.write_number(r, c, value)
                    else:
                        ws.write_string(r, c, str(value), wrap)
            ws.freeze_panes(1, 0)
            return ws

        ws = wb.add_worksheet("概况")
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 14)
        ws.write_string(0, 0, safe_cell(f"{b['plan'].title} 督办通报（{b['label']}）"), title)
        ws.write_string(1, 0, safe_cell(summary), wrap)
        ws.write_string(3, 0, "项目", head)
        ws.write_string(3, 1, "数量", head)
        rows = [
            ("重点任务", b["total"]),
            *b["counts_list"],
            ("本期应报送", b["owed"]),
            ("按时报送", b["states"][ReportState.ON_TIME]),
            ("逾期报送", b["states"][ReportState.LATE]),
            ("未报送", b["states"][ReportState.MISSING]),
        ]
        for i, (label, value) in enumerate(rows, start=4):
            ws.write_string(i, 0, label)
            ws.write_number(i, 1, value)
        sheet(
            "滞后任务", ["编号", "任务", "牵头单位", "滞后原因"], _lagging_rows(b), [8, 40, 18, 60]
        )
        sheet(
            "未报送",
            ["单位", "未报送任务"],
            [[str(u.unit), "；".join(str(t) for t in u.missing_tasks)] for u in b["units_missing"]],
            [20, 80],
        )
        sheet("单位情况", UNIT_HEADERS, _unit_rows(b), [20, 10, 8, 10, 8, 8, 8, 8, 8, 12])
        sheet(
            "领导点评",
            ["单位", "季度", "等次", "点评意见", "点评领导"],
            [
                [
                    str(r.unit),
                    f"{r.year}年第{r.quarter}季度",
                    r.get_grade_display(),
                    r.comment,
                    str(r.reviewer or ""),
                ]
                for r in b["reviews"]
            ],
            [20, 16, 8, 60, 12],
        )
        wb.close()
        return buffer.getvalue(), "xlsx", XLSX


class BulletinDocxView(_BulletinDownload):
    def build(self, b, summary):
        from shangwu.core.choices import DocumentKind
        from shangwu.core.gongwen import GongwenDocument
        from shangwu.core.services import gongwen_options

        plan = b["plan"]
        title = f"{plan.title}推进情况督办通报"
        today = timezone.localdate()
        options = gongwen_options(
            kind=DocumentKind.TASK_BULLETIN,
            user=self.request.user,
            subject=f"{title}（{b['label']}）",
            date=today,
        )
        doc = GongwenDocument(title=title, subtitle=f"（{b['label']}）", date=today, **options)
        doc.heading1("总体情况")
        doc.paragraph(summary)
        doc.heading1("滞后任务")
        if b["lagging"]:
            doc.paragraph(
                f"截至{cycles.date_cn(b['as_of'])}，以下{len(b['lagging'])}项任务滞后，请牵头单位抓紧推进，"
                "并在下期报送中说明整改措施。"
            )
            doc.table(
                headers=["编号", "任务", "牵头单位", "滞后原因"],
                rows=_lagging_rows(b),
                col_widths=[12, 48, 26, 70],
            )
        else:
            doc.paragraph("本期没有滞后任务。")
        doc.heading1("报送情况")
        if b["units_missing"]:
            names = "、".join(f"{u.unit}（{len(u.missing_tasks)}项）" for u in b["units_missing"])
            doc.paragraph(f"{b['label']}未按要求报送进展的单位：{names}。")
        else:
            doc.paragraph(f"{b['label']}各牵头单位均已报送进展。")
        doc.table(
            headers=UNIT_HEADERS,
            rows=_unit_rows(b),
            col_widths=[30, 14, 14, 14, 12, 12, 12, 12, 12, 20],
        )
        doc.heading1("领导点评")
        if b["reviews"]:
            r0 = b["reviews"][0]
            doc.paragraph(f"{r0.year}年第{r0.quarter}季度点评情况如下：")
            for r in b["reviews"]:
                text = f"{r.unit}：{r.get_grade_display()}。{r.comment}"
                doc.paragraph(text)
        else:
            doc.paragraph("本季度尚未开展点评。")
        return doc.to_bytes(), "docx", DOCX
