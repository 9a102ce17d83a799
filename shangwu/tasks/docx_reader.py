"""Reading a .docx plan into lines for the parser: paragraphs and table rows in document order,
with Word's automatic list numbering (numbering.xml, numPr/ilvl on the paragraph or its style)
written out as the text Word shows (“一、”, “1.”, “（1）”)."""

from __future__ import annotations

import re

from shangwu.tasks.parser import MAX_LINES, int_to_cn

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK_LEVELS = [
    lambda n: f"{int_to_cn(n)}、",
    lambda n: f"（{int_to_cn(n)}）",
    lambda n: f"{n}.",
    lambda n: f"（{n}）",
]


def _format_number(fmt: str, n: int) -> str:
    if fmt in ("decimal", "decimalZero"):
        return str(n) if fmt == "decimal" else f"{n:02d}"
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "ideographTraditional",
        "chineseLegalSimplified",
    ):
        return int_to_cn(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        values = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out, rest = "", n
        for value, sym in values:
            while rest >= value:
                out, rest = out + sym, rest - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Word's automatic numbering (numbering.xml) replayed paragraph by paragraph."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId → ilvl → {start, fmt, text}
        self.nums: dict[
            str, tuple[str, dict[int, int]]
        ] = {}  # numId → (abstractNumId, start overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.style_cache: dict = {}
        try:
            root = document.part.numbering_part.element
        # python-docx raises NotImplementedError when a document has no numbering part at all
        # (then there is no automatic numbering to read).
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is None:
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            aid = abstract.get(f"{_W}abstractNumId")
            levels = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                start = lvl.find(f"{_W}start")
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[ilvl] = {
                    "start": int(start.get(f"{_W}val")) if start is not None else 1,
                    "fmt": fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    "text": text.get(f"{_W}val") if text is not None else None,
                }
            self.levels[aid] = levels
        for num in root.iter(f"{_W}num"):
            nid = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            overrides = {}
            for override in num.iter(f"{_W}lvlOverride"):
                so = override.find(f"{_W}startOverride")
                if so is not None:
                    overrides[int(override.get(f"{_W}ilvl", "0"))] = int(so.get(f"{_W}val"))
            self.nums[nid] = (ref.get(f"{_W}val") if ref is not None else "", overrides)

    def _style_num_pr(self, document, style_id: str):
        """A paragraph style's numbering (through its base styles), looked up once per style."""
        from docx.enum.style import WD_STYLE_TYPE

        if style_id not in self.style_cache:
            num_pr, style = None, None
            try:
                style = document.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)
            except (KeyError, ValueError):
                style = None
            while num_pr is None and style is not None:
                sppr = style.element.find(f"{_W}pPr")
                num_pr = sppr.find(f"{_W}numPr") if sppr is not None else None
                style = style.base_style
            self.style_cache[style_id] = num_pr
        return self.style_cache[style_id]

    def _num_pr(self, paragraph):
        ppr = paragraph._p.pPr
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is None and ppr is not None:
            pstyle = ppr.find(f"{_W}pStyle")
            if pstyle is not None:
                num_pr = self._style_num_pr(paragraph.part.document, pstyle.get(f"{_W}val"))
        if num_pr is None:
            return None
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        if num_id is None or num_id.get(f"{_W}val") in (None, "0"):
            return None
        return num_id.get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0

    def label(self, paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        aid, overrides = self.nums.get(num_id, (f"?{num_id}", {}))
        levels = self.levels.get(aid, {})
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        start = levels.get(ilvl, {}).get("start", 1)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels.get(ilvl)
        if level is None or level["text"] is None:
            return _FALLBACK_LEVELS[min(ilvl, 3)](counters[ilvl])

        def value(match):
            k = int(match.group(1)) - 1
            lvl = levels.get(k, {"fmt": "decimal", "start": 1})
            return _format_number(lvl["fmt"], counters.get(k, lvl["start"]))

        return re.sub(r"%(\d)", value, level["text"])


def docx_lines(fileobj) -> list[str]:
    """The .docx's paragraphs (and table rows) in order, as lines; automatic list numbers are
    written out (“一、”, “1.”) exactly as Word shows them."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(fileobj)
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == f"{_W}p":
            paragraph = Paragraph(block, document)
            # A soft line break (Shift+Enter, <w:br/>; typical of text pasted from the web)
            # separates lines exactly as a paragraph mark does; python-docx reads it as "\n".
            parts = [
                part.strip().strip("\u3000").strip()
                for part in re.split(r"[\n\r\v]", paragraph.text)
            ]
            parts = [part for part in parts if part]
            if not parts:
                continue
            lines.append(numbering.label(paragraph) + parts[0])
            lines.extend(parts[1:])
        elif block.tag == f"{_W}tbl":
            for row in Table(block, document).rows:
                cells = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    lines.append("　".join(cells))
        if len(lines) >= MAX_LINES:
            break
    return lines
