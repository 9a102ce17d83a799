"""The importer reads the bureau's own 工作要点 in its usual numbering styles, as text and as .docx."""

import io
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from shangwu.tasks import parser
from shangwu.tasks.choices import LineKind

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "plan_2026.txt"

UNITS = ["外贸科", "外资科", "投资促进科", "电子商务科", "河东区商务局", "云水县商务局", "办公室"]


def tasks_of(tree):
    return [t for s in tree["sections"] for t in s["tasks"]]


def test_the_demo_plan_reads_as_five_sections_and_thirty_tasks_with_its_preamble():
    tree = parser.parse_text(FIXTURE.read_text(encoding="utf-8"), year=2026, unit_names=UNITS)
    assert tree["title"] == "2026年全市商务工作要点"
    assert len(tree["sections"]) == 5
    assert [len(s["tasks"]) for s in tree["sections"]] == [6, 6, 6, 6, 6]
    assert [t["number"] for t in tasks_of(tree)] == list(range(1, 31))
    assert tree["numbering_restarts"] is False and tree["warnings"] == []
    assert "主要预期目标" in tree["preamble"] and "实际使用外资2.5亿美元" in tree["preamble"]
    assert tree["sections"][1]["title"] == "持续扩大利用外资，提升招商引资质效"


def test_task_title_is_the_text_up_to_the_first_full_stop_and_targets_keep_ranges():
    tree = parser.parse_text(FIXTURE.read_text(encoding="utf-8"), year=2026, unit_names=UNITS)
    task = next(t for t in tasks_of(tree) if t["number"] == 7)
    assert task["title"] == "优化外资合作区域"
    assert task["text"].startswith("优化外资合作区域。加强与粤港澳大湾区")
    targets = {(g["low"], g["high"], g["unit"]) for g in task["targets"]}
    assert ("3", "5", "个") in targets and ("2.5", None, "亿美元") in targets
    training = next(t for t in tasks_of(tree) if t["number"] == 20)
    assert [(g["low"], g["unit"]) for g in training["targets"]] == [("1500", "人次")]


def test_lead_and_cooperating_units_leader_deadline_and_milestones_are_read_from_the_text():
    tree = parser.parse_text(FIXTURE.read_text(encoding="utf-8"), year=2026, unit_names=UNITS)
    task = next(t for t in tasks_of(tree) if t["number"] == 7)
    assert task["lead_unit"] == "外资科"
    assert task["co_units"] == ["投资促进科", "各县（市、区）商务局"]
    assert task["leader"] == "张建国" and task["deadline"] == "2026-12-31"
    assert task["milestones"] == [
        {"name": "实际使用外资完成全年目标的50%", "due_on": "2026-06-30"},
        {"name": "完成全年目标", "due_on": "2026-12-31"},
    ]


def test_unit_names_in_the_text_are_suggested_when_no_lead_unit_is_stated():
    text = "一、稳外贸\n1.组织企业参加广交会。由外贸科会同河东区商务局组织实施。"
    task = tasks_of(parser.parse_text(text, year=2026, unit_names=UNITS))[0]
    assert task["lead_unit"] == "外贸科" and task["co_units"] == ["河东区商务局"]


RESTARTING = """云河市商务局2026年重点任务清单
一、总体要求
坚持稳中求进工作总基调，全面推动商务高质量发展。
二、主要目标
社会消费品零售总额增长6%左右，新增限额以上批零住餐企业150家。
三、重点任务
（一）稳外贸
1、深化外贸企业包保服务。全覆盖走访外贸企业。
2、组织企业开拓国际市场。参加重点展会20场次。
（二）促消费
1、实施促消费行动。全年举办促消费活动100场。
2、用好消费券政策。发放消费券1亿元。
3、培育限上企业。新增限上企业150家。
四、保障措施
各单位要加强组织领导，确保任务落实。
"""


def test_numbering_that_restarts_under_chinese_parenthesised_sections_is_read():
    tree = parser.parse_text(RESTARTING, year=2026)
    assert [s["title"] for s in tree["sections"]] == ["稳外贸", "促消费"]
    assert [[t["number"] for t in s["tasks"]] for s in tree["sections"]] == [[1, 2], [1, 2, 3]]
    assert tree["numbering_restarts"] is True and tree["warnings"] == []
    # 总体要求、主要目标 before the sections and 保障措施 after them are plan text, not tasks.
    assert (
        "坚持稳中求进" in tree["preamble"] and "新增限额以上批零住餐企业150家" in tree["preamble"]
    )
    assert "各单位要加强组织领导" in tree["preamble"]
    assert "加强组织领导" not in tasks_of(tree)[-1]["text"]


PAREN_TASKS = """第一、对外贸易
（1）稳住外贸基本盘。外贸进出口总额增长5%。
①加强监测分析。
②强化包保服务。
（2）发展跨境电商。新培育跨境电商企业30家。
第二、利用外资
（3）优化外资合作区域。引进3—5个外资项目。
"""


def test_sections_written_di_yi_and_tasks_in_parentheses_with_sub_items_as_continuation():
    tree = parser.parse_text(PAREN_TASKS, year=2026)
    assert [s["title"] for s in tree["sections"]] == ["对外贸易", "利用外资"]
    first = tree["sections"][0]["tasks"][0]
    assert first["title"] == "稳住外贸基本盘"
    assert "①加强监测分析。" in first["text"] and "②强化包保服务。" in first["text"]
    assert [t["number"] for t in tasks_of(tree)] == [1, 2, 3]
    assert (
        tasks_of(tree)[2]["targets"][0]["low"] == "3"
        and tasks_of(tree)[2]["targets"][0]["high"] == "5"
    )


STRAY = """2026年商务工作要点
1.这一行出现在任何章节之前。
一、扩大开放
1. 优化外资合作区域。引进外资项目5个。
— 2 —
3. 开展精准招商。签约项目40个。
抄送：市委办公室，市政府办公室。
"""


def test_lines_it_cannot_place_are_listed_never_dropped_and_gaps_are_flagged():
    lines, tree = parser.parse_lines(parser.split_text(STRAY), year=2026)
    assert [u["text"] for u in tree["unplaced"]] == [
        "1.这一行出现在任何章节之前。",
        "— 2 —",
        "抄送：市委办公室，市政府办公室。",
    ]
    assert [t["number"] for t in tasks_of(tree)] == [1, 3]
    assert any("编号不连续" in w for w in tree["warnings"])
    assert "— 2 —" not in tasks_of(tree)[0]["text"]
    placed = sum(1 for line in lines if line.kind != LineKind.IGNORE)
    assert placed == len(
        lines
    )  # every line is somewhere: title, section, task or the unplaced list


def test_the_users_correction_of_a_line_kind_changes_the_tree():
    texts = parser.split_text(RESTARTING)
    no = texts.index("2、组织企业开拓国际市场。参加重点展会20场次。") + 1
    _, tree = parser.parse_lines(texts, overrides={no: LineKind.CONTINUATION}, year=2026)
    first = tree["sections"][0]["tasks"]
    assert len(first) == 1 and "组织企业开拓国际市场" in first[0]["text"]
    heading = texts.index("四、保障措施") + 1
    _, tree = parser.parse_lines(texts, overrides={heading: LineKind.SECTION}, year=2026)
    assert [s["title"] for s in tree["sections"]][-1] == "保障措施"


def test_a_document_without_section_headings_puts_its_tasks_under_one_section():
    tree = parser.parse_text("2026年重点任务\n1、稳外贸。\n2、扩外资。\n3、促消费。", year=2026)
    assert len(tree["sections"]) == 1 and tree["task_count"] == 3


# --- .docx --------------------------------------------------------------------------------------


def _docx_bytes(document) -> io.BytesIO:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_docx_with_numbers_typed_in_the_text_reads_like_pasted_text():
    document = docx.Document()
    for line in parser.split_text(RESTARTING):
        document.add_paragraph(line)
    document.add_paragraph("")
    lines = parser.docx_lines(_docx_bytes(document))
    assert lines == parser.split_text(RESTARTING)
    tree = parser.parse_lines(lines, year=2026)[1]
    assert tree["task_count"] == 5


def test_a_docx_whose_lines_are_soft_breaks_reads_like_one_paragraph_per_line():
    """Text pasted from a web page arrives as one paragraph with Shift+Enter (<w:br/>) breaks."""
    lines = parser.split_text(RESTARTING)
    document = docx.Document()
    run = document.add_paragraph().add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    read = parser.docx_lines(_docx_bytes(document))
    assert read == lines
    assert parser.parse_lines(read, year=2026)[1]["task_count"] == 5


def _add_chinese_numbering(document) -> str:
    """Word's automatic list: level 0 “一、” (chineseCounting), level 1 “1.” (decimal)."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, fmt, text in ((0, "chineseCounting", "%1、"), (1, "decimal", "%2.")):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            lvl.append(el)
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def _numbered(document, text, num_id, ilvl):
    paragraph = document.add_paragraph(text)
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    lvl = OxmlElement("w:ilvl")
    lvl.set(qn("w:val"), str(ilvl))
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), num_id)
    num_pr.append(lvl)
    num_pr.append(nid)
    ppr.append(num_pr)
    return paragraph


def test_word_automatic_list_numbering_is_written_out_and_restarts_under_each_heading():
    document = docx.Document()
    document.add_paragraph("2026年全市商务工作要点")
    document.add_paragraph("主要预期目标：外贸进出口总额增长5%以上。")
    num_id = _add_chinese_numbering(document)
    _numbered(document, "稳外贸。坚持市场多元化。", num_id, 0)
    _numbered(document, "深化外贸企业包保服务。走访企业300家次。（牵头单位：外贸科）", num_id, 1)
    _numbered(document, "组织企业开拓国际市场。参加展会20场次。", num_id, 1)
    _numbered(document, "扩外资。", num_id, 0)
    _numbered(document, "优化外资合作区域。力争引进3-5个外资项目。（牵头单位：外资科）", num_id, 1)
    lines = parser.docx_lines(_docx_bytes(document))
    assert lines[2:] == [
        "一、稳外贸。坚持市场多元化。",
        "1.深化外贸企业包保服务。走访企业300家次。（牵头单位：外贸科）",
        "2.组织企业开拓国际市场。参加展会20场次。",
        "二、扩外资。",
        "1.优化外资合作区域。力争引进3-5个外资项目。（牵头单位：外资科）",
    ]
    tree = parser.parse_lines(lines, year=2026, unit_names=UNITS)[1]
    assert [s["title"] for s in tree["sections"]] == ["稳外贸", "扩外资"]
    assert tree["numbering_restarts"] is True
    assert (
        tasks_of(tree)[2]["lead_unit"] == "外资科"
        and tasks_of(tree)[2]["title"] == "优化外资合作区域"
    )
    assert "主要预期目标" in tree["preamble"]


def test_numbering_from_a_list_style_is_read_too():
    document = docx.Document()
    document.add_paragraph("一、稳外贸")
    document.add_paragraph("深化外贸企业包保服务。走访企业。", style="List Number")
    document.add_paragraph("组织企业开拓国际市场。参加展会。", style="List Number")
    lines = parser.docx_lines(_docx_bytes(document))
    assert lines == [
        "一、稳外贸",
        "1.深化外贸企业包保服务。走访企业。",
        "2.组织企业开拓国际市场。参加展会。",
    ]
    assert parser.parse_lines(lines, year=2026)[1]["task_count"] == 2


def test_table_rows_in_a_docx_are_kept_as_lines():
    document = docx.Document()
    document.add_paragraph("一、稳外贸")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(
        table.rows[0].cells, ["1.稳住外贸基本盘。", "外贸科", "12月底"], strict=True
    ):
        cell.text = text
    lines = parser.docx_lines(_docx_bytes(document))
    assert lines[1] == "1.稳住外贸基本盘。　外贸科　12月底"
