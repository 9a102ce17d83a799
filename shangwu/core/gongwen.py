"""公文-format Word (.docx) writer after GB/T 9704-2012 《党政机关公文格式》, shared by every module
that sends a document out (月通报, 督办通报, 工作汇报 …).

What the standard asks and what this module sets (read back by the tests):

* paper A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the
  type area is 156 × 225 mm;
* title 2号 (22 pt) 方正小标宋简体, centred; an optional subtitle line (e.g. "（2026年1—5月）") in
  3号 楷体 under it;
* body 3号 (16 pt) 仿宋_GB2312, first line indented two characters, 22 lines of 28 characters
  (line grid pitch and exact line spacing 28.95 pt; characters condensed by 0.25 pt so that 28
  fit the 156 mm line);
* first-level headings "一、" in 3号 黑体, second-level "（二）" in 3号 楷体_GB2312; third- and
  fourth-level "1." "（1）" are ordinary 仿宋 paragraphs written by the caller;
* page numbers "— 1 —" in 4号 (14 pt) 宋体 in the footer, odd pages on the right and even pages
  on the left, one character in from the edge;
* tables fit the type area (156 mm): widths are scaled down to it, the header rows repeat on
  every page, text in 五号 (10.5 pt) 仿宋 by default; headers centred, text columns left-aligned,
  columns of numbers right-aligned;
* a long title turns between words into balanced lines (梯形 or 菱形, ``title_lines``); headings,
  table captions and the title keep with the next paragraph, so none ends a page;
* 发文机关署名 and 成文日期 at the end, right-aligned, date as "2026年6月8日";
* optional 版头 (``masthead``: the issuing organ's mark in red 小标宋, the 发文字号 ``number``
  under it and a red separator line) and 版记 (``cc`` 抄送, ``printer`` 印发机关 with the
  印发日期, between black lines); what a kind of document carries is the 系统管理员's
  ``DocumentSetting``, applied by ``shangwu.core.services.gongwen_options``.

Fonts are referred to by name with their East Asian attribute (``w:eastAsia``) set, Latin text
and digits in Times New Roman; the reader's PC has the 公文 fonts, LibreOffice substitutes.

Usage::

    from shangwu.core.gongwen import GongwenDocument

    doc = GongwenDocument(title="全市商务运行情况月通报", subtitle="（2026年1—5月）",
                          issuer="××市商务局", date=datetime.date(2026, 6, 8))
    doc.addressee("各县（市、区）商务主管部门：")  # 主送机关, flush left
    doc.heading1("外贸进出口")               # → "一、外贸进出口" (numbered automatically)
    doc.heading2("分县区情况")               # → "（一）分县区情况"; numbering restarts under each 一、
    doc.paragraph("1—5月，全市外贸进出口总额86.4亿元，同比增长12.3%……")
    doc.table(
        headers=["地区", ("本月", ["绝对值（亿元）", "同比（%）"]), "位次"],  # one or two levels
        rows=[["全市", 18.2, "12.3", ""], ["河东区", 5.1, "—", "1"]],
        col_widths=[30, 30, 30, 20],            # millimetres, scaled to the type area
        highlight_rows=[1],                     # 0-based body row indexes, shaded
    )
    payload = doc.to_bytes()

A heading text that already starts with its number ("一、…", "（一）…") is kept as it is; pass
``numbered=False`` to write a heading with no number at all.
"""

from __future__ import annotations

import copy
import datetime
import io
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
TYPE_AREA_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156

SIZE_2HAO = Pt(22)
SIZE_3HAO = Pt(16)
SIZE_4HAO = Pt(14)
SIZE_5HAO = Pt(10.5)

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

# 22 lines in the 225 mm type area: 225 mm / 22 = 28.95 pt; Word stores the grid in twips.
LINE_PITCH_PT = 28.95
LINE_PITCH_TWIPS = 579
# 28 characters in 156 mm = 15.79 pt each: body text is condensed by 0.25 pt (w:spacing −5
# twentieths), which Word, WPS and LibreOffice all honour alike; a "linesAndChars" grid with a
# negative w:charSpace is read differently by LibreOffice (two grid cells per character).
CHARACTER_SPACING_TWENTIETHS = -5

_CN_DIGITS = "零一二三四五六七八九"
_NUMBERED_H1 = re.compile(r"^[一二三四五六七八九十]+、")
_NUMBERED_H2 = re.compile(r"^（[一二三四五六七八九十]+）")

# Successor tags, so that inserted elements keep the schema order Word insists on.
_SNAP_SUCCESSORS = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    *_SNAP_SUCCESSORS,
)
_SHD_SUCCESSORS = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)
_TBLW_SUCCESSORS = (
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)

# Table cell paragraphs: no indent, single spacing, off the 28.95 pt body grid.
_CELL_PPR = {
    align: parse_xml(
        f'<w:pPr {nsdecls("w")}><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
    )
    for align in ("center", "left", "right")
}
_VALIGN_CENTER = parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>')

Header = str | tuple[str, Sequence[str]]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for headings)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def chinese_date(value: datetime.date) -> str:
    """成文日期 in Arabic numerals without leading zeros (GB/T 9704-2012 7.3.5.2)."""
    return f"{value.year}年{value.month}月{value.day}日"


# -- title lines (GB/T 9704-2012 7.3.1) ----------------------------------------------------------
#
# "标题回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形。"
# A line of the 156 mm type area holds 20 characters of 2号 (22 pt); Latin letters and digits
# (Times New Roman) take about half a character. A title is cut only where a word is known to
# end: between two words of the vocabulary below (the words of the platform's own titles), at a
# number with its unit ("2026年", "1—5月", "第一季度"), or around a particle (的、和、与、及、暨).
# Segmentation by a general dictionary (jieba) was weighed and left out: its last release is
# from 2020, it loads a 20 MB dictionary, and the titles are written by the platform itself.

TITLE_LINE_WIDTH = 20

TITLE_WORDS = frozenset(
    """
    关于 印发 关于印发 全市 全县 全区 全省 各县 商务 商务局 运行 主要 指标 主要指标 完成 情况
    完成情况 通报 报告 通知 意见 方案 工作 要点 工作要点 推进 督办 重点 任务 重点任务 项目 台账
    三个一批 签约 开工 投产 注册 落地 年度 季度 月度 上半年 下半年 进展 落实 实施 外贸 外资
    进出口 利用 实际 使用 消费 促消费 招商 引资 招商引资 企业 问题 诉求 办理 走访 服务 包保
    统计 分析 汇报 总结 计划 市场 经济 发展 高质量 促进 专项 行动 开展 活动 以旧换新 电子商务
    网络 零售 网络零售 社会 消费品 零售总额 社会消费品零售总额 限额以上 批零住餐 目标 考核
    结果 评议 点评 督查 检查 整改 安全 生产 安全生产 月通报 督办通报 办公室 交办 交办单 督办单
    记录 登记 明细 汇总 统计表 一览表 名单 清单 责任 分工 责任分工 进度 执行 监测 调度
    商务运行 重点工作 工作任务 重点工作任务 商务系统 系统 双招双引 营商环境 对外开放 开放 口岸 跨境 电商
    商贸 流通 会展 老字号 民营 稳增长 扩内需 会议 纪要 决定 办法 规定 细则 转发 文件
    的通知 的通报 的报告 的意见 的批复 的函
    """.split()
)
_PARTICLES = frozenset("的和与及暨")
_OPENING = "（(“‘《〈【"
_CLOSING = "）)”’》〉】、，。：；！？"
_NUMBER_TOKEN = re.compile(
    r"第[一二三四五六七八九十〇零0-9]+(?:季度|期|批|次|号)"
    r"|[0-9０-９]+(?:[.．][0-9]+)?(?:[—－\\-~～至][0-9０-９]+)?(?:年度|季度|[年月日号期批季%％])?"
    r"|[一二三四五六七八九十]+月(?:份)?"
)


def _char_width(ch: str) -> float:
    return 0.5 if ord(ch) < 0x2000 else 1.0


def text_width(text: str) -> float:
    """Width in 2号 characters: CJK characters 1, Latin letters and digits ½."""
    return sum(_char_width(ch) for ch in text)


def _title_tokens(title: str, words: frozenset[str]) -> list[tuple[str, bool]]:
    """(token, known) pieces of ``title``: known words, numbers with units and particles are
    known; any other character is a piece of its own next to which no line may turn."""
    longest = max((len(w) for w in words), default=1)
    tokens: list[tuple[str, bool]] = []
    i = 0
    while i < len(title):
        number = _NUMBER_TOKEN.match(title, i)
        if number and number.end() > i:
            tokens.append((number.group(), True))
            i = number.end()
            continue
        for size in range(min(longest, len(title) - i), 1, -1):
            if title[i : i + size] in words:
                tokens.append((title[i : i + size], True))
                i += size
                break
        else:
            tokens.append((title[i], title[i] in _PARTICLES))
            i += 1
    # Opening brackets and quotes stay with what follows, closing ones with what precedes.
    merged: list[tuple[str, bool]] = []
    carry = ""
    for text, known in tokens:
        if text in _OPENING:
            carry += text
            continue
        text, carry = carry + text, ""
        if text[0] in _CLOSING and merged:
            prev, prev_known = merged.pop()
            merged.append((prev + text, prev_known))
        else:
            merged.append((text, known or text in _CLOSING))
    if carry:
        merged.append((carry, False))
    return merged


def _line_cost(widths: list[float]) -> tuple:
    """Prefer the narrowest widest line; then a 梯形 or 菱形 over an hourglass; then the
    balance of the lines; then a longer first line (倒梯形, the usual bulletin shape)."""
    hourglass = any(
        widths[k] < widths[k - 1] and widths[k] < widths[k + 1] for k in range(1, len(widths) - 1)
    )
    return (max(widths), hourglass, max(widths) - min(widths), -widths[0])


def title_lines(
    title: str, *, width: float = TITLE_LINE_WIDTH, words: Iterable[str] = ()
) -> list[str]:
    """The lines of a 公文 title: one line when it fits, otherwise the fewest lines that fit,
    cut only between words and as even as they can be (GB/T 9704-2012 7.3.1).

    ``words``: extra words that may not be cut (the issuing organ's name, a county's name).
    """
    title = title.strip()
    total = text_width(title)
    if total <= width:
        return [title]
    vocabulary = TITLE_WORDS | frozenset(w for w in words if w)
    tokens = _title_tokens(title, vocabulary)
    cuts = [
        k
        for k in range(1, len(tokens))
        if tokens[k - 1][1] and tokens[k][1]  # both sides are known words
    ]
    if not cuts:  # nothing known to cut between: cut between any two pieces (never in a number)
        cuts = list(range(1, len(tokens)))
    pieces = [text for text, _ in tokens]
    for count in range(max(2, math.ceil(total / width)), len(pieces) + 1):
        best = None
        for chosen in itertools.combinations(cuts, count - 1):
            bounds = (0, *chosen, len(pieces))
            lines = ["".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]
            widths = [text_width(line) for line in lines]
            if max(widths) > width:
                continue
            cost = _line_cost(widths)
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best is not None:
            return best[1]
    return [title]


_RPR_CACHE: dict = {}


def _rpr(east_asia: str, size, bold: bool, latin: str):
    key = (east_asia, int(size), bold, latin)
    if key not in _RPR_CACHE:
        half_points = round(size.pt * 2)
        _RPR_CACHE[key] = parse_xml(
            f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}"'
            f' w:cs="{latin}"/>{"<w:b/><w:bCs/>" if bold else ""}<w:sz w:val="{half_points}"/>'
            f'<w:szCs w:val="{half_points}"/></w:rPr>'
        )
    return copy.deepcopy(_RPR_CACHE[key])


def set_run_font(run, *, east_asia: str, size, bold: bool = False, latin: str = FONT_LATIN) -> None:
    """Sets Latin, East Asian and complex-script fonts, size and weight of one run (python-docx
    itself sets only the Latin font). Replaces the run's properties with a cached copy: tables of
    hundreds of cells are written in well under a second."""
    r = run._element
    old = r.find(qn("w:rPr"))
    if old is not None:
        r.remove(old)
    r.insert(0, _rpr(east_asia, size, bold, latin))


# A number as a cell shows it: "12.3", "-5.1", "1,234", "161.8%", "+2" (a rank change).
_NUMBER_TEXT = re.compile(r"^[+\-−－↑↓]?\s*[0-9][0-9,]*(?:\.[0-9]+)?\s*[%％]?$")
# Placeholders that say "no figure" and do not make a column text.
_NO_FIGURE = frozenset({"", "—", "-", "－", "/", "→", "未报", "新增"})
_ALIGN = {True: "right", False: "left"}


def is_numeric_column(values: Iterable) -> bool:
    """A column is right-aligned when every cell that holds something is a number; a column of
    placeholders only ("—") is still a column of figures."""
    for value in values:
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float | Decimal):
            continue
        text = _format_cell_value(value).strip()
        if text not in _NO_FIGURE and not _NUMBER_TEXT.match(text):
            return False
    return True


RED = RGBColor(0xFF, 0x00, 0x00)


def _border(paragraph, **edges) -> None:
    """Paragraph borders: ``top=("single", eighths of a point, "RRGGBB")``, ``bottom=…``."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):
        spec = edges.get(edge)
        if spec:
            val, size, color = spec
            line = OxmlElement(f"w:{edge}")
            line.set(qn("w:val"), val)
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "1")
            line.set(qn("w:color"), color)
            borders.append(line)
    p_pr.insert_element_before(borders, *_PBDR_SUCCESSORS)


def _format_cell_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class GongwenDocument:
    """One 公文: title block, numbered headings, body paragraphs, tables, signature and date."""

    def __init__(
        self,
        *,
        title: str,
        subtitle: str | None = None,
        issuer: str | None = None,
        date: datetime.date | None = None,
        table_font_size: float = 10.5,
        words: Iterable[str] = (),
        masthead: str | None = None,
        number: str | None = None,
        cc: str | None = None,
        printer: str | None = None,
    ) -> None:
        self.title = title
        self.masthead = masthead
        self.number = number
        self.cc = cc
        self.printer = printer
        self._words = tuple(w for w in (issuer, *words) if w)
        self.subtitle = subtitle
        self.issuer = issuer
        self.date = date
        self.table_font_size = Pt(table_font_size)
        self._h1 = 0
        self._h2 = 0
        self._closed = False
        self._colophon_written = False
        self.document = Document()
        self._set_up_page()
        self._set_up_defaults()
        self._write_footer()
        self._write_masthead()
        self._write_title()

    # -- page set-up -------------------------------------------------------------------------

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        section.top_margin = Mm(MARGIN_TOP_MM)
        section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
        section.left_margin = Mm(MARGIN_LEFT_MM)
        section.right_margin = Mm(MARGIN_RIGHT_MM)
        section.header_distance = Mm(15)
        # The page number sits 7 mm below the type area (GB/T 9704-2012 7.5).
        section.footer_distance = Mm(MARGIN_BOTTOM_MM - 7 - 5)
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

    def _set_up_defaults(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name = FONT_LATIN
        normal.font.size = SIZE_3HAO
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), FONT_BODY)
        condense = OxmlElement("w:spacing")
        condense.set(qn("w:val"), str(CHARACTER_SPACING_TWENTIETHS))
        rpr.insert_element_before(
            condense,
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
        )
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        # The character grid is measured from the document-default font size: make it 3号.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        drpr = rpr_default.find(qn("w:rPr"))
        for tag in ("w:sz", "w:szCs"):
            size = drpr.find(qn(tag))
            if size is None:
                size = OxmlElement(tag)
                drpr.append(size)
            size.set(qn("w:val"), "32")
        lang = drpr.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        self.document.core_properties.title = self.title
        self.document.core_properties.language = "zh-CN"

    def _write_footer(self) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        # Odd pages: right, one character in; even pages: left, one character in.
        self._page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def _page_number(self, paragraph, alignment) -> None:
        paragraph.alignment = alignment
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = SIZE_4HAO
        else:
            fmt.left_indent = SIZE_4HAO
        set_run_font(
            paragraph.add_run("— "),
            east_asia=FONT_PAGE_NUMBER,
            size=SIZE_4HAO,
            latin=FONT_PAGE_NUMBER,
        )
        for kind, text in (
            ("begin", None),
            (None, " PAGE "),
            ("separate", None),
            (None, "1"),
            ("end", None),
        ):
            run = paragraph.add_run()
            set_run_font(run, east_asia=FONT_PAGE_NUMBER, size=SIZE_4HAO, latin=FONT_PAGE_NUMBER)
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._element.append(char)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._element.append(instr)
            else:
                run.text = text
        set_run_font(
            paragraph.add_run(" —"),
            east_asia=FONT_PAGE_NUMBER,
            size=SIZE_4HAO,
            latin=FONT_PAGE_NUMBER,
        )

    def _write_masthead(self) -> None:
        """版头 (GB/T 9704-2012 7.2): the issuing organ's mark in red 小标宋, centred; the
        发文字号 centred under it; a red line as wide as the type area under the number. A
        number without a 版头 stands alone, centred above the title."""
        if self.masthead:
            mark = self.document.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # As large as fits one line, at most 36 pt (the mark is no larger than a superior's).
            size = Pt(min(36, int(TYPE_AREA_WIDTH_MM / 25.4 * 72 / text_width(self.masthead))))
            mark.paragraph_format.line_spacing = Pt(size.pt * 1.5)
            run = mark.add_run(self.masthead)
            set_run_font(run, east_asia=FONT_TITLE, size=size)
            run.font.color.rgb = RED
            self.document.add_paragraph()
        if not (self.masthead or self.number):
            return
        number = self.document.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if self.number:
            set_run_font(number.add_run(self.number), east_asia=FONT_BODY, size=SIZE_3HAO)
        if self.masthead:
            _border(number, bottom=("single", 12, "FF0000"))  # 红色分隔线, 1.5 pt
        self.document.add_paragraph()

    def _write_title(self) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(35)  # a 22 pt title on a 28.95 pt grid
        paragraph.paragraph_format.keep_with_next = True
        # GB/T 9704-2012 7.3.1: a long title turns between words, in balanced lines; the lines
        # are one paragraph joined by line breaks so that Word never re-wraps inside a word.
        run = paragraph.add_run()
        set_run_font(run, east_asia=FONT_TITLE, size=SIZE_2HAO)
        for index, line in enumerate(title_lines(self.title, words=self._words)):
            if index:
                run.add_break()
            run.add_text(line)
        if self.subtitle:
            sub = self.document.add_paragraph()
            sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
            sub.paragraph_format.keep_with_next = True
            set_run_font(sub.add_run(self.subtitle), east_asia=FONT_HEADING2, size=SIZE_3HAO)
        self.document.add_paragraph().paragraph_format.keep_with_next = True  # one empty line

    # -- content -----------------------------------------------------------------------------

    def heading1(self, text: str, *, numbered: bool = True):
        """A first-level heading "一、…" in 3号 黑体; restarts the "（一）" numbering."""
        self._h1 += 1
        self._h2 = 0
        if numbered and not _NUMBERED_H1.match(text):
            text = f"{chinese_number(self._h1)}、{text}"
        return self._heading(text, east_asia=FONT_HEADING1)

    def heading2(self, text: str, *, numbered: bool = True):
        """A second-level heading "（一）…" in 3号 楷体."""
        self._h2 += 1
        if numbered and not _NUMBERED_H2.match(text):
            text = f"（{chinese_number(self._h2)}）{text}"
        return self._heading(text, east_asia=FONT_HEADING2)

    def _heading(self, text: str, *, east_asia: str):
        """A heading is never the last line of a page: it keeps with the paragraph after it."""
        paragraph = self._body_paragraph(text, east_asia=east_asia)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def paragraph(self, text: str, *, bold_lead: str | None = None):
        """A body paragraph in 3号 仿宋, first line indented two characters.

        ``bold_lead``: an optional run-in lead ("1.总体情况。") written in bold before the text.
        """
        paragraph = self._body_paragraph("", east_asia=FONT_BODY)
        if bold_lead:
            set_run_font(
                paragraph.add_run(bold_lead), east_asia=FONT_BODY, size=SIZE_3HAO, bold=True
            )
        set_run_font(paragraph.add_run(text), east_asia=FONT_BODY, size=SIZE_3HAO)
        return paragraph

    def addressee(self, text: str):
        """主送机关 ("各县（市、区）商务主管部门："): flush left, no indent."""
        paragraph = self._body_paragraph(text, east_asia=FONT_BODY)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        return paragraph

    def caption(self, text: str):
        """A centred table title in 3号 黑体 (e.g. "表1 外贸进出口总额完成情况")."""
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True  # the caption stays with its table
        set_run_font(paragraph.add_run(text), east_asia=FONT_HEADING1, size=SIZE_3HAO)
        return paragraph

    def note(self, text: str):
        """A small note under a table (五号 仿宋, no indent)."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        set_run_font(paragraph.add_run(text), east_asia=FONT_BODY, size=self.table_font_size)
        return paragraph

    def page_break(self) -> None:
        self.document.add_page_break()

    def _body_paragraph(self, text: str, *, east_asia: str):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two 3号 characters
        if text:
            set_run_font(paragraph.add_run(text), east_asia=east_asia, size=SIZE_3HAO)
        return paragraph

    def table(
        self,
        headers: Sequence[Header],
        rows: Iterable[Sequence],
        col_widths: Sequence[float] | None = None,
        highlight_rows: Iterable[int] | None = None,
    ):
        """A bordered table that fits the type area.

        ``headers``: one entry per column group: a string (one column; spans both header rows
        when any group has sub-columns) or ``(group label, [sub labels])`` for a two-level
        header with the group cell merged across its sub-columns.
        ``rows``: body rows, one value per leaf column (None → empty).
        ``col_widths``: leaf column widths in mm; scaled down to 156 mm when wider.
        ``highlight_rows``: 0-based body row indexes shaded light yellow (e.g. lagging rows).
        """
        leaves: list[tuple[str, str | None]] = []  # (group label or plain label, sub label)
        two_level = any(not isinstance(h, str) for h in headers)
        for header in headers:
            if isinstance(header, str):
                leaves.append((header, None))
            else:
                group, subs = header
                leaves.extend((group, sub) for sub in subs)
        ncols = len(leaves)
        widths = list(col_widths) if col_widths else [TYPE_AREA_WIDTH_MM / ncols] * ncols
        if len(widths) != ncols:
            raise ValueError(f"col_widths has {len(widths)} widths for {ncols} columns")
        total = sum(widths)
        if total > TYPE_AREA_WIDTH_MM:
            widths = [w * TYPE_AREA_WIDTH_MM / total for w in widths]
        body = [list(row) for row in rows]
        header_rows = 2 if two_level else 1
        table = self.document.add_table(rows=header_rows + len(body), cols=ncols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._fix_layout(table, widths)

        trs = table._tbl.tr_lst
        top = [_Cell(tc, table) for tc in trs[0].tc_lst]
        bottom = [_Cell(tc, table) for tc in trs[1].tc_lst] if two_level else []
        col = 0
        for header in headers:
            if isinstance(header, str):
                self._write_cell(top[col], header, header=True)
                if two_level:
                    top[col].merge(bottom[col])
                col += 1
            else:
                group, subs = header
                self._write_cell(top[col], group, header=True)
                for offset, sub in enumerate(subs):
                    self._write_cell(bottom[col + offset], sub, header=True)
                if len(subs) > 1:
                    top[col].merge(top[col + len(subs) - 1])
                col += len(subs)
        for index in range(header_rows):
            tr_pr = table.rows[index]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            tr_pr.append(repeat)

        numeric = [
            is_numeric_column(values[c] for values in body if len(values) == ncols)
            for c in range(ncols)
        ]
        shaded = set(highlight_rows or ())
        # Body rows have no merged cells: address <w:tc> elements directly (python-docx's
        # row.cells rebuilds the whole grid on every call, which is quadratic in rows).
        trs = table._tbl.tr_lst
        for r, values in enumerate(body):
            if len(values) != ncols:
                raise ValueError(f"row {r + 1} has {len(values)} values for {ncols} columns")
            for c, (tc, value) in enumerate(zip(trs[header_rows + r].tc_lst, values, strict=True)):
                cell = _Cell(tc, table)
                self._write_cell(
                    cell, _format_cell_value(value), header=False, align=_ALIGN[numeric[c]]
                )
                cell.width = Mm(widths[c])
                if r in shaded:
                    self._shade(cell, "FFF2CC")
        for index in range(header_rows):
            for tc in trs[index].tc_lst:
                # A merged cell's width is the sum of the columns it spans.
                span = tc.grid_span
                start = sum(
                    _Cell(t, table)._tc.grid_span
                    for t in trs[index].tc_lst[: trs[index].tc_lst.index(tc)]
                )
                _Cell(tc, table).width = Mm(sum(widths[start : start + span]))
        return table

    def _fix_layout(self, table, widths: list[float]) -> None:
        tbl_pr = table._tbl.tblPr  # table.autofit = False already wrote w:tblLayout fixed
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = OxmlElement("w:tblW")
            tbl_pr.insert_element_before(width, *_TBLW_SUCCESSORS)
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(round(sum(widths) / 25.4 * 1440)))
        for column, w in zip(table.columns, widths, strict=True):
            column.width = Mm(w)

    def _write_cell(self, cell, text: str, *, header: bool, align: str = "left") -> None:
        """Cell text, centred vertically; headers centred, body cells ``align``ed (text columns
        left, numbers right, as a reader compares figures by their last digit).

        Written from cached XML templates rather than python-docx's property setters: a
        bulletin has about a thousand cells, and the setters cost a millisecond each.
        """
        tc = cell._tc
        tc_pr = tc.get_or_add_tcPr()
        if tc_pr.find(qn("w:vAlign")) is None:
            tc_pr.append(copy.deepcopy(_VALIGN_CENTER))
        p = tc.p_lst[0]
        old = p.find(qn("w:pPr"))
        if old is not None:
            p.remove(old)
        p.insert(0, copy.deepcopy(_CELL_PPR["center" if header else align]))
        run = OxmlElement("w:r")
        run.append(
            _rpr(FONT_HEADING1 if header else FONT_BODY, self.table_font_size, False, FONT_LATIN)
        )
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        p.append(run)

    @staticmethod
    def _shade(cell, fill: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        tc_pr.insert_element_before(shading, *_SHD_SUCCESSORS)

    # -- output ------------------------------------------------------------------------------

    def _write_signature(self) -> None:
        if self._closed or not (self.issuer or self.date):
            return
        self._closed = True
        self.document.add_paragraph()
        for text in (self.issuer, chinese_date(self.date) if self.date else None):
            if not text:
                continue
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(64)  # 右空四字
            set_run_font(paragraph.add_run(text), east_asia=FONT_BODY, size=SIZE_3HAO)

    def _write_colophon(self) -> None:
        """版记 (GB/T 9704-2012 7.4): 抄送 and 印发机关 / 印发日期 in 4号 仿宋, one character in
        from each side, between black lines (first and last thick, the one between thin)."""
        if not self.printer:
            return
        self.document.add_paragraph()
        thick, thin = ("single", 8, "000000"), ("single", 6, "000000")
        lines = []
        if self.cc:
            cc = self.document.add_paragraph()
            text = self.cc if self.cc.endswith("。") else f"{self.cc}。"
            set_run_font(cc.add_run(f"抄送：{text}"), east_asia=FONT_BODY, size=SIZE_4HAO)
            lines.append(cc)
        printed = self.document.add_paragraph()
        date = f"{chinese_date(self.date)}印发" if self.date else ""
        printed.paragraph_format.tab_stops.add_tab_stop(
            Mm(TYPE_AREA_WIDTH_MM) - SIZE_4HAO, WD_TAB_ALIGNMENT.RIGHT
        )
        set_run_font(
            printed.add_run(f"{self.printer}\t{date}"), east_asia=FONT_BODY, size=SIZE_4HAO
        )
        lines.append(printed)
        for index, paragraph in enumerate(lines):
            fmt = paragraph.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.left_indent = fmt.right_indent = SIZE_4HAO
            fmt.keep_with_next = index < len(lines) - 1
            _border(
                paragraph,
                top=thick if index == 0 else None,
                bottom=thick if index == len(lines) - 1 else thin,
            )

    def to_bytes(self) -> bytes:
        """The finished .docx (署名, 成文日期 and 版记 are added once, at the end)."""
        self._write_signature()
        if not self._colophon_written:
            self._colophon_written = True
            self._write_colophon()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
