"""The bulletin's downloads: a formatted .xlsx and a 公文-format .docx. Both render the rows that
``selectors.bulletin_build`` computed — the very rows the page shows — so figures agree."""

from __future__ import annotations

import datetime
import io

from shangwu.core.choices import DocumentKind
from shangwu.core.exports import formula_safe_workbook, safe_cell
from shangwu.core.gongwen import GongwenDocument
from shangwu.core.services import gongwen_options
from shangwu.indicators.computation import BulletinRow, Percent
from shangwu.indicators.selectors import Bulletin, IndicatorBulletin


def leaf_headers(item: IndicatorBulletin, bulletin: Bulletin) -> list[tuple[str, str]]:
    """(group, leaf) of every column, shared by the page, the .xlsx and the .docx."""
    unit = item.indicator.unit
    return [
        ("地区", ""),
        (f"本月（{unit}）" if unit != "%" else "本月", "绝对值"),
        (f"本月（{unit}）", "同比%"),
        (f"{bulletin.cumulative_label}累计（{unit}）", "绝对值"),
        (f"{bulletin.cumulative_label}累计（{unit}）", "同比%"),
        (f"年度目标（{unit}）", ""),
        ("完成进度%", ""),
        ("时间进度%", ""),
        ("超(欠)进度（百分点）", ""),
        ("位次", "按总量"),
        ("位次", "按增速"),
        ("位次变化", "按总量"),
        ("位次变化", "按增速"),
    ]


def row_texts(row: BulletinRow) -> list[str]:
    """The cells as the page and the .docx print them."""
    return [
        row.name,
        row.month_text,
        row.month_growth.text,
        row.cumulative_text,
        row.cumulative_growth.text,
        row.target_text,
        row.completion.text,
        row.time_progress_text,
        row.ahead_text,
        row.rank_total_text,
        row.rank_growth_text,
        row.rank_total_change_text,
        row.rank_growth_change_text,
    ]


def row_notes(row: BulletinRow) -> str:
    return row.notes_text


# --- .xlsx ------------------------------------------------------------------------------------


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """One sheet per indicator: merged title, two-level header with units, frozen panes, number
    formats from the indicator's decimals, lagging rows highlighted; "—" cells with their reason
    in the 备注 column."""
    buffer = io.BytesIO()
    wb = formula_safe_workbook(buffer)
    base = {"border": 1, "valign": "vcenter", "font_name": "宋体", "font_size": 10}
    title_fmt = wb.add_format(
        {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "font_name": "宋体"}
    )
    head_fmt = wb.add_format(
        {**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
    )
    text_fmt = wb.add_format({**base, "align": "center"})
    note_fmt = wb.add_format({**base, "text_wrap": True, "font_size": 9})
    formats: dict = {}

    def num_fmt(places: int, lag: bool, bold: bool = False):
        key = (places, lag, bold)
        if key not in formats:
            spec = {**base, "num_format": "0" if places == 0 else "0." + "0" * places, "bold": bold}
            if lag:
                spec.update({"bg_color": "#FCE4D6", "font_color": "#9C0006"})
            formats[key] = wb.add_format(spec)
        return formats[key]

    lag_text = wb.add_format(
        {**base, "align": "center", "bg_color": "#FCE4D6", "font_color": "#9C0006"}
    )
    used = set()
    for item in bulletin.indicators:
        name = item.indicator.name[:28]
        while name in used:
            name = name[:26] + "_" + str(len(used))
        used.add(name)
        ws = wb.add_worksheet(name)
        headers = leaf_headers(item, bulletin)
        last_col = len(headers)  # + 备注
        ws.merge_range(
            0,
            0,
            0,
            last_col,
            f"{bulletin.month.year}年{bulletin.cumulative_label}{item.indicator.name}完成情况",
            title_fmt,
        )
        ws.set_row(0, 28)
        c = 0
        while c < len(headers):
            group, leaf = headers[c]
            if not leaf:
                ws.merge_range(1, c, 2, c, group, head_fmt)
                c += 1
                continue
            span = 1
            while c + span < len(headers) and headers[c + span][0] == group:
                span += 1
            if span > 1:
                ws.merge_range(1, c, 1, c + span - 1, group, head_fmt)
            else:
                ws.write_string(1, c, group, head_fmt)
            for k in range(span):
                ws.write_string(2, c + k, headers[c + k][1], head_fmt)
            c += span
        ws.merge_range(1, last_col, 2, last_col, "备注", head_fmt)
        ws.set_row(1, 30)
        ws.set_row(2, 30)
        ws.set_column(0, 0, 12)
        ws.set_column(1, last_col - 1, 11)
        ws.set_column(last_col, last_col, 36)
        d = item.indicator.decimals
        for r, row in enumerate(item.rows, start=3):
            lag = row.lagging
            bold = row.is_city
            cells = [
                (row.name, None),
                (row.month_value, d),
                (row.month_growth, 1),
                (row.cumulative, d),
                (row.cumulative_growth, 1),
                (row.target, d),
                (row.completion, 1),
                (row.time_progress, 1),
                (row.ahead, 1),
                (row.rank_total, 0),
                (row.rank_growth, 0),
                (row.rank_total_change_text, None),
                (row.rank_growth_change_text, None),
            ]
            for c, (value, places) in enumerate(cells):
                highlight = lag and c in (6, 8)
                if isinstance(value, Percent):
                    value = value.value
                if places is None:
                    ws.write_string(
                        r, c, safe_cell(str(value)), lag_text if lag and c == 0 else text_fmt
                    )
                elif value is None:
                    ws.write_string(
                        r,
                        c,
                        "" if (row.is_city and c >= 9) else "—",
                        lag_text if highlight else text_fmt,
                    )
                else:
                    ws.write_number(r, c, float(value), num_fmt(places, highlight, bold))
            ws.write_string(r, last_col, safe_cell(row_notes(row)), note_fmt)
        footer = len(item.rows) + 4
        ws.write_string(
            footer,
            0,
            f"注：时间进度{bulletin.time_progress}%（已过月数÷12）；完成进度低于时间进度的县区"
            "以红底标出；位次按1—本月累计及累计增速在各县（市、区）间排列，并列者同位次；"
            "位次变化只在两个月都已报送的县（市、区）间比较，未报者标“未报”。",
        )
        version = f"年度目标版本：{bulletin.target_version}"
        if bulletin.report and not bulletin.report.complete:
            version += f"。本月数据尚未报齐：{bulletin.report.banner}"
        ws.write_string(footer + 1, 0, safe_cell(version))
        if item.computed:
            ws.write_string(
                footer + 2,
                0,
                f"本指标由平台根据{item.indicator.get_computation_display()}自动计算。",
            )
        ws.freeze_panes(3, 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
    wb.close()
    return buffer.getvalue()


# --- .docx (公文) ----------------------------------------------------------------------------

DOCX_WIDTHS = [15, 13, 11, 14, 11, 14, 12, 11, 12, 10, 10, 11, 12]


def bulletin_docx(bulletin: Bulletin, *, user, today: datetime.date | None = None) -> bytes:
    """Issued by the user's bureau, with the 版头/发文字号/版记 the 系统管理员 set for the kind."""
    today = today or datetime.date.today()
    options = gongwen_options(
        kind=DocumentKind.INDICATOR_BULLETIN, user=user, subject=bulletin.title, date=today
    )
    doc = GongwenDocument(title=bulletin.title, date=today, table_font_size=9, **options)
    doc.addressee("各县（市、区）商务主管部门，局机关各科室：")
    doc.paragraph(
        f"现将{bulletin.month.year}年{bulletin.cumulative_label}全市商务运行主要指标完成情况通报如下。"
        f"时间进度为{bulletin.time_progress}%。年度目标采用{bulletin.target_version}。"
    )
    if bulletin.report and not bulletin.report.complete:
        doc.paragraph(
            f"本月数据尚未报齐（{bulletin.report.banner}），未报的县（市、区）不参与排名。"
        )
    table_no = 0
    for item in bulletin.indicators:
        if item.indicator.parent_id:
            doc.heading2(item.indicator.name)
        else:
            doc.heading1(item.indicator.name)
        doc.paragraph(item.paragraph)
        table_no += 1
        doc.caption(
            f"表{table_no}  {bulletin.month.year}年{bulletin.cumulative_label}{item.indicator.name}完成情况"
        )
        doc.table(
            headers=docx_headers(item, bulletin),
            rows=[row_texts(r) for r in item.rows],
            col_widths=DOCX_WIDTHS,
            highlight_rows=[i for i, r in enumerate(item.rows) if r.lagging],
        )
        notes = [f"{r.name}：{row_notes(r)}" for r in item.rows if row_notes(r)]
        tail = "注：底色标出的县（市、区）完成进度落后于时间进度。"
        if item.computed:
            tail += f"本指标由平台根据{item.indicator.get_computation_display()}自动计算。"
        if notes:
            tail += "“—”说明：" + "；".join(notes) + "。"
        doc.note(tail)
    return doc.to_bytes()


def docx_headers(item, bulletin) -> list:
    out: list = []
    for group, leaf in leaf_headers(item, bulletin):
        if not leaf:
            out.append(group)
        elif out and not isinstance(out[-1], str) and out[-1][0] == group:
            out[-1][1].append(leaf)
        else:
            out.append((group, [leaf]))
    return out
