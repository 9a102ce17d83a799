"""Reading the bureau's own work plan (工作要点) into sections and numbered tasks.

Pure functions over a list of lines: ``classify`` decides what each line is (title, preamble,
section heading, task, continuation, or a line it cannot place), ``build_tree`` turns the final
line kinds (after the user's corrections in the preview) into the tree that ``plan_import``
saves. ``docx_lines`` reads a .docx, writing out Word's automatic list numbering as text so both
kinds of document go through the same rules.

Numbering styles recognised: sections “一、” / “第一、” / “（一）”; tasks “1、” / “1.” / “1．” /
“（1）”; numbering that restarts in each section or runs through the whole document.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from shangwu.tasks.choices import LineKind

MAX_LINES = 3000
MAX_LINE_CHARS = 5000

CN_DIGITS = "零一二三四五六七八九"
_CN_NUM = "[一二三四五六七八九十]{1,3}"

# Fullwidth digits and punctuation read as their ASCII forms for marker detection only (1:1, so
# the marker's length in the original text is the same).
_NORMALISE = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "（": "(", "）": ")", "．": ".", "\u3000": " "}
)

STYLE_CN_DUN = "cn_dun"  # 一、  第一、
STYLE_CN_PAREN = "cn_paren"  # （一）
STYLE_AR_DUN = "ar_dun"  # 1、
STYLE_AR_DOT = "ar_dot"  # 1.  1．
STYLE_AR_PAREN = "ar_paren"  # （1）
STYLE_CIRCLED = "circled"  # ①
CHINESE_STYLES = (STYLE_CN_DUN, STYLE_CN_PAREN)
ARABIC_STYLES = (STYLE_AR_DUN, STYLE_AR_DOT, STYLE_AR_PAREN)

_MARKERS = [
    (STYLE_CN_DUN, re.compile(rf"^第?({_CN_NUM})[、，,.](?!\d)")),
    (STYLE_CN_PAREN, re.compile(rf"^\(({_CN_NUM})\)[、.]?")),
    (STYLE_AR_PAREN, re.compile(r"^\((\d{1,3})\)[、.]?")),
    (STYLE_AR_DUN, re.compile(r"^(\d{1,3})、")),
    (STYLE_AR_DOT, re.compile(r"^(\d{1,3})\.(?!\d)")),
    (STYLE_CIRCLED, re.compile(r"^([\u2460-\u2473])")),
]

# Headings of plan text rather than of a work section.
PREAMBLE_WORDS = re.compile(
    r"^(总体要求|指导思想|预期目标|主要目标|工作目标|发展目标|目标任务|基本原则|总体思路|保障措施|工作要求|组织保障|工作保障|有关要求)"
)
# Lines that belong to no section or task: page numbers, distribution lines, attachments.
STRAY_PATTERNS = [
    re.compile(r"^[—\-–－\s]*\d{1,3}[—\-–－\s]*$"),
    re.compile(r"^第\s*\d+\s*页(\s*[,，]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^(抄送|主送|附件|联系人|联系电话|印发|校对|签发)[：:\s]"),
    re.compile(r"印发$"),
    re.compile(r"^[\W_]+$"),
]
TITLE_WORDS = re.compile(r"(工作要点|工作计划|任务清单|重点任务|实施方案|任务分解)")


@dataclass
class Line:
    no: int  # 1-based position in the document
    text: str
    style: str | None = None
    number: int | None = None
    numeral: str = ""  # the marker as written, e.g. “一、”, “（1）”
    body: str = ""  # the text after the marker
    kind: str = LineKind.UNPLACED
    auto_kind: str = LineKind.UNPLACED
    note: str = ""  # why the line could not be placed


# --- numerals ---------------------------------------------------------------------------------


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (the range a plan uses)."""
    if not text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = CN_DIGITS.index(tens) if tens else 1
        o = CN_DIGITS.index(ones) if ones else 0
        return t * 10 + o
    if len(text) == 1 and text in CN_DIGITS:
        return CN_DIGITS.index(text)
    return None


def int_to_cn(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


def detect_marker(text: str) -> tuple[str | None, int | None, str, str]:
    """(style, number, numeral as written, body) of a line."""
    normal = text.translate(_NORMALISE)
    for style, pattern in _MARKERS:
        m = pattern.match(normal)
        if not m:
            continue
        raw = m.group(1)
        if style in CHINESE_STYLES:
            number = cn_to_int(raw)
        elif style == STYLE_CIRCLED:
            number = ord(raw) - 0x2460 + 1
        else:
            number = int(raw)
        if number is None:
            continue
        body = text[m.end() :].strip()
        if not body:
            continue  # a bare “1.” is not a heading
        return style, number, text[: m.end()], body
    return None, None, "", text


def split_text(text: str) -> list[str]:
    """Pasted text → non-empty stripped lines."""
    lines = [
        line.strip().strip("\u3000").strip()
        for line in (text or "").replace("\r\n", "\n").split("\n")
    ]
    return [line for line in lines if line]


def first_sentence(body: str, limit: int = 300) -> str:
    """The task's title: its text up to the first 。 (the bureau's usual style)."""
    head, sep, _ = body.partition("。")
    title = head if sep else body
    # An attached “（牵头单位：…）” belongs to the assignment, not to the title.
    title = re.split(r"[（(](牵头|责任|配合)", title)[0]
    return title.strip().rstrip("；;，,：:")[:limit] or body[:limit]


# --- classification ---------------------------------------------------------------------------


def _is_stray(text: str) -> bool:
    return any(p.search(text) for p in STRAY_PATTERNS)


def _section_style(lines: list[Line], task_style: str | None) -> str | None:
    present = [s for s in CHINESE_STYLES if any(line.style == s for line in lines)]
    if len(present) <= 1:
        return present[0] if present else None
    # Both styles appear: sections are the headings that tasks sit under most often.
    votes = {s: 0 for s in present}
    last = None
    for line in lines:
        if line.style in CHINESE_STYLES:
            last = line.style
        elif task_style and line.style == task_style and last:
            votes[last] += 1
    if not any(votes.values()):
        return STYLE_CN_DUN
    return max(present, key=lambda s: (votes[s], s == STYLE_CN_DUN))


def classify(texts: list[str], overrides: dict[int, str] | None = None) -> list[Line]:
    """Decide each line's kind. ``overrides`` (line no → kind) are the user's corrections."""
    texts = [t[:MAX_LINE_CHARS] for t in texts[:MAX_LINES]]
    lines = []
    for no, text in enumerate(texts, start=1):
        style, number, numeral, body = detect_marker(text)
        lines.append(Line(no=no, text=text, style=style, number=number, numeral=numeral, body=body))

    task_style = next((line.style for line in lines if line.style in ARABIC_STYLES), None)
    section_style = _section_style(lines, task_style)
    headings = [i for i, line in enumerate(lines) if section_style and line.style == section_style]

    # A section-style heading with no task under it whose words are 总体要求 / 预期目标 / 保障措施…
    # heads plan text, not a work section.
    plan_text_headings = set()
    for n, i in enumerate(headings):
        end = headings[n + 1] if n + 1 < len(headings) else len(lines)
        has_tasks = task_style is not None and any(
            line.style == task_style for line in lines[i + 1 : end]
        )
        if not has_tasks and PREAMBLE_WORDS.match(lines[i].body):
            plan_text_headings.add(i)
    real_sections = [i for i in headings if i not in plan_text_headings]
    if real_sections:
        body_start = real_sections[0]
    else:
        body_start = next(
            (i for i, line in enumerate(lines) if task_style and line.style == task_style),
            len(lines),
        )

    title_seen = False
    in_plan_text = False
    preamble_heading_seen = False
    for i, line in enumerate(lines):
        if _is_stray(line.text):
            line.kind, line.note = LineKind.UNPLACED, "页码、抄送或附件等，不属于任何任务"
        elif i < body_start:
            if i in plan_text_headings or (line.style is None and PREAMBLE_WORDS.match(line.text)):
                preamble_heading_seen = True
            if (
                not title_seen
                and line.style is None
                and TITLE_WORDS.search(line.text)
                and len(line.text) <= 60
                and "。" not in line.text
            ):
                line.kind, title_seen = LineKind.TITLE, True
            elif (
                task_style
                and line.style == task_style
                and not preamble_heading_seen
                and real_sections
            ):
                line.kind, line.note = LineKind.UNPLACED, "任务编号出现在第一个章节之前"
            else:
                line.kind = LineKind.PREAMBLE
        elif i in plan_text_headings:
            line.kind, in_plan_text = LineKind.PREAMBLE, True
        elif section_style and line.style == section_style:
            line.kind, in_plan_text = LineKind.SECTION, False
        elif section_style == STYLE_CN_PAREN and line.style == STYLE_CN_DUN:
            # An outer “一、” heading above “（一）” sections: plan text when it is 保障措施-like,
            # otherwise a section of its own (the preview lets the user drop it).
            if PREAMBLE_WORDS.match(line.body):
                line.kind, in_plan_text = LineKind.PREAMBLE, True
            else:
                line.kind, in_plan_text = LineKind.SECTION, False
        elif in_plan_text:
            line.kind = LineKind.PREAMBLE
        elif task_style is not None and line.style == task_style:
            line.kind = LineKind.TASK
        else:
            line.kind = LineKind.CONTINUATION
        line.auto_kind = line.kind

    for no, kind in (overrides or {}).items():
        if 1 <= no <= len(lines) and kind in LineKind.values:
            lines[no - 1].kind = kind
    return lines


# --- details found in a task's text -------------------------------------------------------------

TARGET_UNITS = [
    "万人次",
    "人次",
    "家次",
    "亿美元",
    "万美元",
    "亿元",
    "万元",
    "个百分点",
    "百分点",
    "万平方米",
    "平方米",
    "万人",
    "场次",
    "%",
    "％",
    "家",
    "个",
    "场",
    "项",
    "条",
    "批",
    "次",
    "人",
    "辆",
    "吨",
    "亩",
    "户",
    "期",
    "件",
    "笔",
    "所",
    "座",
]
_TARGET_RE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:[-—–~～至到]\s*(\d+(?:\.\d+)?))?\s*("
    + "|".join(re.escape(u) for u in TARGET_UNITS)
    + r")(?!工作日|小时|天|月|季度|年|以内)"
)
_ASSIGN_KEYS = {
    "lead": r"(?:牵头单位|牵头科室|牵头部门|责任单位|责任科室|责任部门)",
    "co": r"(?:配合单位|配合科室|配合部门|协办单位)",
    "leader": r"(?:责任领导|分管领导|包保领导|牵头领导)",
    "deadline": r"(?:完成时限|完成时间|办结时限)",
    "milestones": r"(?:时间节点|进度安排|节点安排)",
}
_DATE_RE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日|(底|末|上旬|中旬|下旬))?")
ALL_COUNTIES = "各县（市、区）商务局"


def _clause_after(text: str, key: str) -> str | None:
    m = re.search(key + r"\s*[：:]\s*", text)
    if not m:
        return None
    rest = text[m.end() :]
    value = (
        re.split(r"[；;。\n]", rest, maxsplit=1)[0]
        if key != _ASSIGN_KEYS["milestones"]
        else re.split(r"[。\n]|（(?:牵头|责任|配合)", rest, maxsplit=1)[0]
    )
    # Drop the closing bracket of an enclosing “（牵头单位：…）”.
    while value.count("）") + value.count(")") > value.count("（") + value.count("("):
        value = value[:-1]
    return value.strip().rstrip("，,")


def split_names(value: str) -> list[str]:
    """“外资科、各县（市、区）商务局” → two names (the 、 inside brackets does not split)."""
    names, depth, buf = [], 0, ""
    for ch in value:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        if ch in "、，,/ " and depth == 0:
            if buf.strip():
                names.append(buf.strip())
            buf = ""
        else:
            buf += ch
    if buf.strip():
        names.append(buf.strip())
    return names


def parse_cn_date(text: str, year: int) -> datetime.date | None:
    """“2026年6月30日” / “6月底前” / “9月中旬” / “年底前” → a date in ``year`` unless it names one."""
    if re.search(r"年底|年末|年内|全年", text) and not _DATE_RE.search(text):
        return datetime.date(year, 12, 31)
    m = _DATE_RE.search(text)
    if not m:
        return None
    y = int(m.group(1)) if m.group(1) else year
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(y, month)[1]
    if m.group(3):
        day = min(int(m.group(3)), last)
    else:
        day = {"上旬": 10, "中旬": 20}.get(m.group(4) or "", last)
    return datetime.date(y, month, day)


def find_targets(text: str) -> list[dict]:
    """Quantitative targets: number (or range 3-5) with its unit and the clause it sits in."""
    # Assignment clauses hold dates, not targets.
    text = re.split(r"[（(](?:牵头|责任)", text)[0]
    targets, seen = [], set()
    for clause in re.split(r"[，,；;。\n]", text):
        for m in _TARGET_RE.finditer(clause):
            unit = "%" if m.group(3) == "％" else m.group(3)
            try:
                low = Decimal(m.group(1))
                high = Decimal(m.group(2)) if m.group(2) else None
            except InvalidOperation:
                continue
            if high is not None and high < low:
                low, high = high, low
            key = (clause.strip(), str(low), str(high), unit)
            if key in seen:
                continue
            seen.add(key)
            targets.append(
                {
                    "text": clause.strip()[:300],
                    "low": str(low),
                    "high": str(high) if high is not None else None,
                    "unit": unit,
                }
            )
    return targets


def find_plan_targets(preamble: str) -> list[dict]:
    """The plan's 预期目标: the targets stated from the “预期目标” heading on (“主要预期目标：…”), or
    in the whole preamble when it has no such heading."""
    text = preamble or ""
    at = text.find("预期目标")
    if at >= 0:
        text = text[at + len("预期目标") :].lstrip("：:，, ")
    return find_targets(text)


def find_assignment(text: str, *, year: int, unit_names=()) -> dict:
    """Lead / cooperating units, leader, deadline and milestones stated in the task's text;
    failing an explicit “牵头单位：”, the known unit names found in the text are suggested."""
    lead = _clause_after(text, _ASSIGN_KEYS["lead"])
    co = _clause_after(text, _ASSIGN_KEYS["co"])
    lead_names = split_names(lead) if lead else []
    co_names = split_names(co) if co else []
    if lead_names:
        co_names = lead_names[1:] + co_names
        lead_names = lead_names[:1]
    elif unit_names:
        found = []
        for name in sorted(unit_names, key=len, reverse=True):
            pos = text.find(name)
            if pos >= 0 and not any(name in f for _, f in found):
                found.append((pos, name))
        found = [name for _, name in sorted(found)]
        lead_names, co_names = found[:1], found[1:]
    if (
        "各县（市、区）" in text
        and ALL_COUNTIES not in co_names
        and ALL_COUNTIES not in lead_names
        and not co
    ):
        co_names.append(ALL_COUNTIES)
    leader = _clause_after(text, _ASSIGN_KEYS["leader"]) or ""
    deadline_text = _clause_after(text, _ASSIGN_KEYS["deadline"])
    deadline = parse_cn_date(deadline_text, year) if deadline_text else None
    milestones = []
    ms_text = _clause_after(text, _ASSIGN_KEYS["milestones"])
    if ms_text:
        for part in re.split(r"[；;]", ms_text):
            due = parse_cn_date(part, year)
            name = _DATE_RE.sub("", part, count=1)
            name = re.sub(r"^(?:年底|年末)?前?[，,：:\s]*", "", name).strip(" ，,。")
            if due and name:
                milestones.append({"name": name[:300], "due_on": due.isoformat()})
    if deadline is None and milestones:
        deadline = max(datetime.date.fromisoformat(m["due_on"]) for m in milestones)
    return {
        "lead_unit": lead_names[0] if lead_names else "",
        "co_units": co_names,
        "leader": split_names(leader)[0] if leader else "",
        "deadline": deadline.isoformat() if deadline else None,
        "milestones": milestones,
    }


# --- the tree ---------------------------------------------------------------------------------


@dataclass
class TaskNode:
    number: int
    numeral: str
    title: str
    text: str
    line: int
    lead_unit: str = ""
    co_units: list = field(default_factory=list)
    leader: str = ""
    deadline: str | None = None
    milestones: list = field(default_factory=list)
    targets: list = field(default_factory=list)


@dataclass
class SectionNode:
    number: int
    numeral: str
    title: str
    text: str
    line: int | None
    tasks: list = field(default_factory=list)


def build_tree(lines: list[Line], *, year: int | None = None, unit_names=()) -> dict:
    """Sections with their tasks, the preamble, the title and the unplaced lines, from the final
    line kinds. JSON-serialisable: the preview re-renders it and ``plan_import`` saves it."""
    year = year or datetime.date.today().year
    title = ""
    preamble: list[str] = []
    unplaced: list[dict] = []
    sections: list[SectionNode] = []
    task_lines: list[tuple[TaskNode, list[str]]] = []
    section_lines: dict[int, list[str]] = {}
    current_task: tuple[TaskNode, list[str]] | None = None
    warnings: list[str] = []

    def new_section(line: Line | None) -> SectionNode:
        body = line.body if line else "重点任务"
        numeral = line.numeral if line and line.style in CHINESE_STYLES else ""
        node = SectionNode(
            number=len(sections) + 1,
            numeral=numeral,
            title=first_sentence(body),
            text="",
            line=line.no if line else None,
        )
        sections.append(node)
        section_lines[node.number] = [body] if line else []
        return node

    for line in lines:
        kind = line.kind
        if kind == LineKind.IGNORE:
            continue
        if kind == LineKind.TITLE:
            if not title:
                title = line.text
            else:
                preamble.append(line.text)
        elif kind == LineKind.PREAMBLE:
            preamble.append(line.text)
        elif kind == LineKind.UNPLACED:
            unplaced.append(
                {"line": line.no, "text": line.text, "note": line.note or "未能判断所属章节或任务"}
            )
        elif kind == LineKind.SECTION:
            new_section(line)
            current_task = None
        elif kind == LineKind.TASK:
            section = sections[-1] if sections else new_section(None)
            previous = (
                section.tasks[-1].number
                if section.tasks
                else (task_lines[-1][0].number if task_lines else 0)
            )
            is_task_marker = line.style in ARABIC_STYLES
            number = line.number if is_task_marker and line.number else previous + 1
            body = line.body if is_task_marker else line.text
            node = TaskNode(
                number=number,
                numeral=line.numeral if is_task_marker else "",
                title=first_sentence(body),
                text="",
                line=line.no,
            )
            section.tasks.append(node)
            current_task = (node, [body])
            task_lines.append(current_task)
        else:  # continuation
            if current_task is not None:
                current_task[1].append(line.text)
            elif sections:
                section_lines[sections[-1].number].append(line.text)
            else:
                preamble.append(line.text)

    for node, texts in task_lines:
        node.text = "\n".join(texts)
        details = find_assignment(node.text, year=year, unit_names=unit_names)
        node.lead_unit, node.co_units, node.leader = (
            details["lead_unit"],
            details["co_units"],
            details["leader"],
        )
        node.deadline, node.milestones = details["deadline"], details["milestones"]
        node.targets = find_targets(node.text)
    for section in sections:
        body = "\n".join(section_lines[section.number])
        head, sep, rest = body.partition("。")
        section.text = rest.strip() if sep else body.partition("\n")[2].strip()

    # Numbering: restarting in each section, or running through; gaps are worth a look.
    with_tasks = [s for s in sections if s.tasks]
    restarts = any(s.tasks[0].number == 1 for s in with_tasks[1:])
    previous = None
    for section in with_tasks:
        if restarts:
            previous = None
        for node in section.tasks:
            if previous is not None and node.number != previous + 1:
                warnings.append(
                    f"第{node.line}行：任务编号“{node.number}”接在“{previous}”之后，编号不连续，请核对是否漏识别或多识别。"
                )
            previous = node.number

    return {
        "title": title,
        "preamble": "\n".join(preamble),
        "targets": find_plan_targets("\n".join(preamble)),
        "sections": [asdict(s) for s in sections],
        "unplaced": unplaced,
        "numbering_restarts": restarts,
        "warnings": warnings,
        "task_count": len(task_lines),
    }


def parse_lines(
    texts: list[str], *, overrides=None, year=None, unit_names=()
) -> tuple[list[Line], dict]:
    lines = classify(texts, overrides)
    return lines, build_tree(lines, year=year, unit_names=unit_names)


def parse_text(text: str, *, overrides=None, year=None, unit_names=()) -> dict:
    return parse_lines(split_text(text), overrides=overrides, year=year, unit_names=unit_names)[1]


def docx_lines(fileobj) -> list[str]:
    """The .docx's lines (see ``docx_reader``)."""
    from shangwu.tasks.docx_reader import docx_lines as read

    return read(fileobj)
