"""The 公文 writer's layout rules that every .docx of the platform shares."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from shangwu.core.gongwen import GongwenDocument, text_width, title_lines


def test_a_title_that_fits_stays_on_one_line():
    assert title_lines("2026年全市商务工作要点推进情况督办通报") == [
        "2026年全市商务工作要点推进情况督办通报"
    ]


def test_a_long_title_turns_between_words_never_inside_one():
    lines = title_lines("关于2026年第一季度全市招商引资“三个一批”项目推进情况的通报")
    assert lines == ["关于2026年第一季度全市招商引资", "“三个一批”项目推进情况的通报"]
    assert all(text_width(line) <= 20 for line in lines)


def test_the_issuing_organ_is_never_cut_and_numbers_keep_their_unit():
    lines = title_lines(
        "河东区商务局关于2026年1—12月全市社会消费品零售总额和网络零售额主要指标完成情况的通报",
        words=["河东区商务局"],
    )
    assert lines == [
        "河东区商务局关于2026年",
        "1—12月全市社会消费品零售总额和",
        "网络零售额主要指标完成情况的通报",
    ]
    assert "1—12月" in "".join(lines) and not any(line.endswith(("1—", "12")) for line in lines)
    widths = [text_width(line) for line in lines]
    assert max(widths) - min(widths) <= 6
    # 梯形 or 菱形, never an hourglass (a short middle line)
    assert not (widths[1] < widths[0] and widths[1] < widths[2])


def test_tables_align_text_left_and_numbers_right():
    doc = GongwenDocument(title="测试")
    doc.table(
        headers=["单位", "任务", "完成率%", "排名"],
        rows=[["河东区商务局", "促消费", "12.5", 1], ["云水县商务局", "外贸", "—", 2]],
    )
    table = Document(io.BytesIO(doc.to_bytes())).tables[0]
    aligns = [c.paragraphs[0].alignment for c in table.rows[1].cells]
    assert (
        aligns
        == [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT] + [WD_ALIGN_PARAGRAPH.RIGHT] * 2
    )
    assert table.rows[0].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_every_month_of_the_bulletin_and_a_notice_turn_at_a_phrase():
    for label in ("1月", "1—5月", "1—12月"):
        lines = title_lines(f"2026年{label}全市商务运行主要指标完成情况通报")
        assert lines == [f"2026年{label}全市商务运行", "主要指标完成情况通报"]
    assert title_lines(
        "河东区商务局关于印发2026年全市商务工作要点的通知", words=["河东区商务局"]
    ) == ["河东区商务局关于印发2026年", "全市商务工作要点的通知"]  # "的通知" stays whole
