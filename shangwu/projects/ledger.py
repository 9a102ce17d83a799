"""The "三个一批" ledger (台账) workbook: one sheet per batch (签约 / 开工 / 投产) of a period, with
the columns the provincial ledger uses. Every text cell goes through ``safe_cell`` (formula
injection), the projects come from ``restrict(user, "export")`` and the export is audited."""

from __future__ import annotations

import datetime
import io

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.exports import formula_safe_workbook, safe_cell
from shangwu.core.periods import Period
from shangwu.projects.choices import BATCH_MILESTONES, Milestone
from shangwu.projects.selectors import LEDGER_HEADERS, ledger_rows, project_list_in_batch

WIDTHS = [6, 36, 16, 28, 14, 14, 12, 12, 24, 12, 12, 12, 10, 16, 16, 30]
MONEY_COLUMNS = {4, 5}
DATE_COLUMNS = {9, 10, 11}


def ledger_xlsx(
    *, user, period: Period, milestones=None, organ_name: str = ""
) -> tuple[bytes, int]:
    """(workbook bytes, number of project rows). ``organ_name``: the exporting user's bureau
    (``core.services.issuing_organ``), which heads each sheet's title."""
    milestones = list(milestones or BATCH_MILESTONES)
    buffer = io.BytesIO()
    wb = formula_safe_workbook(buffer)
    title_fmt = wb.add_format(
        {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
    )
    head = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    money = wb.add_format({"border": 1, "num_format": "#,##0.00", "valign": "vcenter"})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "vcenter"})
    total_fmt = wb.add_format({"bold": True, "border": 1, "num_format": "#,##0.00"})
    count = 0
    for milestone in milestones:
        label = Milestone(milestone).label
        ws = wb.add_worksheet(f"{label}项目")
        ws.merge_range(
            0,
            0,
            0,
            len(LEDGER_HEADERS) - 1,
            f"{organ_name}{period.label}“三个一批”{label}项目台账",
            title_fmt,
        )
        ws.set_row(0, 28)
        for col, (header, width) in enumerate(zip(LEDGER_HEADERS, WIDTHS, strict=True)):
            ws.write_string(1, col, header, head)
            ws.set_column(col, col, width)
        projects = project_list_in_batch(
            user=user, milestone=milestone, period=period, action="export"
        ).order_by("county__sort_order", "county__code", "code")
        row = 2
        total_investment = 0.0
        for values in ledger_rows(projects):
            for col, value in enumerate(values):
                value = safe_cell(value)
                if value is None or value == "":
                    ws.write_blank(row, col, None, cell)
                elif col in DATE_COLUMNS and isinstance(value, datetime.date):
                    ws.write_datetime(
                        row, col, datetime.datetime.combine(value, datetime.time()), date
                    )
                elif col in MONEY_COLUMNS or col == 0:
                    ws.write_number(row, col, value, money if col else cell)
                else:
                    ws.write_string(row, col, str(value), cell)
            total_investment += values[4]
            row += 1
        ws.write_string(row, 1, f"合计：{row - 2}个项目", total_fmt)
        ws.write_number(row, 4, total_investment, total_fmt)
        count += row - 2
        ws.freeze_panes(2, 2)
    wb.close()
    audit_write(
        action=AuditAction.EXPORT,
        object_type="projects.project",
        object_repr="“三个一批”台账",
        actor=user,
        detail=f"导出{period.label}“三个一批”台账（{'、'.join(Milestone(m).label for m in milestones)}），"
        f"共 {count} 行。",
    )
    return buffer.getvalue(), count
