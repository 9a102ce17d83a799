"""Excel/CSV import of the enterprise registry (企业库批量导入).

The 统一社会信用代码 is the key: a row whose code is new creates an enterprise, a row whose
values differ from the stored record updates it (audited field by field), and a row that matches
changes nothing, so re-importing the same file is a no-op. Nothing is written unless every row
is valid: ``enterprise_import_preview`` validates and counts, ``enterprise_import_commit``
validates again and writes everything in one transaction, or nothing.

Speed (bench/enterprise_import.py): rows are validated in Python against lookups loaded once
(regions by name, existing enterprises by code, tags), and written with ``executemany`` in
batches. Bulk writes bypass the audit signals, so this module writes the audit rows itself: one
IMPORT summary, plus one UPDATE row with before/after per updated enterprise.
"""

from __future__ import annotations

import datetime
import gc
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypinyin import Style
from pypinyin.constants import RE_HANS
from pypinyin.core import Pinyin
from pypinyin.seg import mmseg

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.services import audit_write
from shangwu.core import context
from shangwu.core.access import can
from shangwu.core.imports import RowError, cell_text, insert_rows, normalize_header, parse_date
from shangwu.enterprises.choices import (
    INDUSTRY_SECTIONS,
    EnterpriseEventKind,
    EnterpriseStatus,
    Ownership,
)
from shangwu.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseTag, Tag
from shangwu.enterprises.validators import ALPHABET, credit_code_error
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

SHEET_NAME = "企业信息"
HELP_SHEET_NAME = "填写说明"
IN_CHUNK = 500  # codes per IN (...) query: under SQLite's parameter limit


@dataclass(frozen=True)
class ImportColumn:
    field: str
    header: str
    required: bool = False
    max_length: int | None = None
    format: str = ""
    aliases: tuple[str, ...] = ()


COLUMNS = [
    ImportColumn(
        "credit_code",
        "统一社会信用代码",
        True,
        18,
        "18位数字或大写字母（不含I、O、S、V、Z），第18位为校验位；作为导入的唯一键",
        ("信用代码",),
    ),
    ImportColumn("name", "企业名称", True, 200, "营业执照上的全称", ("名称",)),
    ImportColumn("short_name", "简称", False, 50, "不超过50字"),
    ImportColumn(
        "county",
        "县(市、区)",
        False,
        None,
        "本市县(市、区)名称；留空时按信用代码第3—8位自动填写",
        ("县区", "所属县区", "县(市区)"),
    ),
    ImportColumn(
        "township",
        "乡镇(街道)",
        False,
        None,
        "所填县(市、区)下的乡镇或街道名称；可留空",
        ("乡镇", "乡镇街道", "街道"),
    ),
    ImportColumn("address", "地址", False, 200, "不超过200字"),
    ImportColumn("legal_representative", "法定代表人", False, 50, "不超过50字"),
    ImportColumn(
        "industry_section",
        "行业门类",
        False,
        None,
        "GB/T 4754-2017 门类字母 A—T（也可填门类名称）；留空时按行业大类推定",
        ("门类",),
    ),
    ImportColumn(
        "industry_division", "行业大类", False, None, "两位数字，如 51；须属于所填门类", ("大类",)
    ),
    ImportColumn(
        "ownership", "经济类型", False, None, "/".join(Ownership.labels) + "；新企业留空为内资"
    ),
    ImportColumn(
        "registered_capital", "注册资本(万元)", False, None, "数字，最多两位小数", ("注册资本",)
    ),
    ImportColumn("established_on", "成立日期", False, None, "日期，如 2020-05-18"),
    ImportColumn(
        "status", "状态", False, None, "/".join(EnterpriseStatus.labels) + "；新企业留空为存续"
    ),
    ImportColumn("is_key", "重点企业", False, None, "是/否；新企业留空为否"),
    ImportColumn(
        "tags",
        "标签",
        False,
        None,
        "标签名称，多个用“、”或“，”分隔；限上标签须写纳统日期，如 限上零售(2024-03-01)",
    ),
]
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
TEMPLATE_HEADERS = [c.header.replace("(万元)", "（万元）") for c in COLUMNS]

# GB/T 4754-2017: which 大类 (two-digit division) belong to which 门类.
DIVISION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
SECTION_FOR_DIVISION = {
    f"{d:02d}": s for s, (lo, hi) in DIVISION_RANGES.items() for d in range(lo, hi + 1)
}
SECTION_BY_TEXT = {
    **{s: s for s, _ in INDUSTRY_SECTIONS},
    **{label: s for s, label in INDUSTRY_SECTIONS},
}
OWNERSHIP_BY_LABEL = {label: value for value, label in Ownership.choices}
STATUS_BY_LABEL = {label: value for value, label in EnterpriseStatus.choices}
BOOL_BY_TEXT = {
    "是": True,
    "否": False,
    "Y": True,
    "N": False,
    "1": True,
    "0": False,
    "TRUE": True,
    "FALSE": False,
}
TAG_SPLIT = re.compile(r"[、，,；;]")
TAG_WITH_DATE = re.compile(r"^(?P<name>[^()（）]+?)\s*(?:[(（]\s*(?P<date>[^()（）]*?)\s*[)）])?$")
CAPITAL_MAX = Decimal("999999999999.99")

# Compared with the stored record to decide new / updated / unchanged (order = snapshot order).
COMPARED = [
    "name",
    "short_name",
    "county",
    "township",
    "address",
    "legal_representative",
    "industry_section",
    "industry_division",
    "ownership",
    "registered_capital",
    "established_on",
    "status",
    "is_key",
]
DEFAULTS = {
    "short_name": "",
    "township": None,
    "address": "",
    "legal_representative": "",
    "industry_section": "",
    "industry_division": "",
    "ownership": Ownership.DOMESTIC,
    "registered_capital": None,
    "established_on": None,
    "status": EnterpriseStatus.ACTIVE,
    "is_key": False,
}
# Blank in these columns means "keep" for an existing enterprise, the default for a new one.
BLANK_KEEPS = {"county", "ownership", "status", "is_key"}


@dataclass
class ImportResult:
    """What a preview found, or what a commit wrote."""

    file_name: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    committed: bool = False

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


# --- Pinyin --------------------------------------------------------------------------------------


class _WordPinyin(Pinyin):
    """pypinyin, told that its input is already one segmented word."""

    def get_seg(self, **kwargs):
        return lambda hans: [hans]


_WORD = _WordPinyin()
_WORD_CACHE: dict[str, tuple[str, str]] = {}
# pypinyin's own split into runs of hanzi / other characters (simpleseg._seg), as one regex.
_HANS_CLASS = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
_RUNS = re.compile(f"{_HANS_CLASS}+|(?:(?!{_HANS_CLASS}).)+", re.DOTALL)
_IS_HANS = re.compile(_HANS_CLASS)


def fast_name_pinyin(name: str) -> tuple[str, str]:
    """Exactly ``services.name_pinyin`` (a test holds them equal), several times faster.

    pypinyin splits a name into runs of hanzi, cuts each run into words (mmseg) and converts
    each word on its own; the words of company names repeat (有限公司, 科技, 商贸…), so the
    conversion is cached per word, and text without hanzi is kept as it is (errors="default").
    """
    full, initials = [], []
    cache = _WORD_CACHE
    for run in _RUNS.findall(name):
        if not _IS_HANS.match(run):
            full.append(run)
            initials.append(run)
            continue
        for word in mmseg.seg.cut(run):
            hit = cache.get(word)
            if hit is None:
                hit = (
                    "".join(_WORD.lazy_pinyin(word, errors="default")),
                    "".join(_WORD.lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default")),
                )
                if len(cache) < 200_000:
                    cache[word] = hit
            full.append(hit[0])
            initials.append(hit[1])
    return "".join(full).lower()[:600], "".join(initials).lower()[:200]


PARALLEL_PINYIN_ROWS = 20_000


def _pinyin_many(names: list[str]) -> dict[str, tuple[str, str]]:
    return {name: fast_name_pinyin(name) for name in dict.fromkeys(names)}


def _start_pinyin(rows: list[list]):
    """For a large file, compute the names' pinyin in a forked process while this one validates.

    pypinyin's segmentation is the slowest step of an import (~25 µs a name); on a machine with a
    second core it runs beside the validation instead of after it. Returns a Future or None.
    """
    if len(rows) < PARALLEL_PINYIN_ROWS or (os.cpu_count() or 1) < 2:
        return None
    mapping, _, problem = _header_map(rows[0])
    if problem:
        return None
    i = mapping["name"]
    names = [cell_text(r[i]) for r in rows[1:] if len(r) > i]
    try:
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        future = executor.submit(_pinyin_many, names)
        executor.shutdown(wait=False)
    except (OSError, ValueError):
        return None
    return future


# --- Validation ------------------------------------------------------------------------------------


@dataclass
class _Row:
    rowno: int
    code: str
    values: dict  # field -> parsed value, only for columns present (and not blank-keeps)
    tags: dict | None  # tag_id -> since (None when the column is absent)
    undated: set  # tag ids written without a date that need one (resolved against stored)
    existing: tuple | None = None


@dataclass
class _Lookups:
    counties_by_name: dict
    counties_by_code: dict
    townships: dict  # (county_id, name) -> township id
    region_names: dict  # id -> name
    tags_by_name: dict  # name -> Tag

    @classmethod
    def load(cls):
        counties_by_name, counties_by_code, townships, names = {}, {}, {}, {}
        for pk, code, name, level, parent_id in Region.objects.values_list(
            "id", "code", "name", "level", "parent_id"
        ):
            names[pk] = name
            if level == RegionLevel.COUNTY:
                counties_by_name[name] = pk
                counties_by_code[code] = pk
            elif level == RegionLevel.TOWNSHIP:
                townships[(parent_id, name)] = pk
        return cls(
            counties_by_name,
            counties_by_code,
            townships,
            names,
            {t.name: t for t in Tag.objects.all()},
        )


_CODE_RE = re.compile(r"[0-9A-HJ-NPQRTUW-Y]{2}[0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}")
_CHECK = {c: i for i, c in enumerate(ALPHABET)}


def _code_ok(code: str) -> bool:
    """The common case of ``credit_code_error(code) is None``, quickly (GB 32100-2015)."""
    if not _CODE_RE.fullmatch(code):
        return False
    v = _CHECK
    total = (
        v[code[0]]
        + v[code[1]] * 3
        + v[code[2]] * 9
        + v[code[3]] * 27
        + v[code[4]] * 19
        + v[code[5]] * 26
        + v[code[6]] * 16
        + v[code[7]] * 17
        + v[code[8]] * 20
        + v[code[9]] * 29
        + v[code[10]] * 25
        + v[code[11]] * 13
        + v[code[12]] * 8
        + v[code[13]] * 24
        + v[code[14]] * 10
        + v[code[15]] * 30
        + v[code[16]] * 28
    )
    return ALPHABET[(31 - total % 31) % 31] == code[17]


def _scope_check(actor):
    """A predicate (county_id, township_id) → in the actor's scope; mirrors ScopedModel.scope_q."""
    region = actor.region
    if region is None:
        return lambda county_id, township_id: False
    if region.level == RegionLevel.CITY:
        return lambda county_id, township_id: True
    if region.level == RegionLevel.COUNTY:
        return lambda county_id, township_id: county_id == region.pk
    return lambda county_id, township_id: township_id == region.pk


def _header_map(header_row) -> tuple[dict, list[str], str]:
    """field -> column index, the headers as written, and a file-level error (or "")."""
    by_alias = {}
    for col in COLUMNS:
        for text in (col.header, *col.aliases):
            by_alias[normalize_header(text)] = col.field
    mapping, written = {}, [cell_text(h) for h in header_row]
    for index, text in enumerate(header_row):
        fld = by_alias.get(normalize_header(text))
        if fld and fld not in mapping:
            mapping[fld] = index
    missing = [COLUMN_BY_FIELD[f].header for f in ("credit_code", "name") if f not in mapping]
    if missing:
        return (
            mapping,
            written,
            f"第1行应为表头，缺少必填列：{'、'.join(missing)}。请使用导入模板。",
        )
    return mapping, written, ""


def _analyse(*, rows: list[list], actor, file_name: str):
    """Parse and validate every row; return (result, new rows, updates)."""
    result = ImportResult(file_name=file_name)
    if not rows:
        result.file_error = "文件中没有数据。"
        return result, [], []
    mapping, written, file_error = _header_map(rows[0])
    if file_error:
        result.file_error = file_error
        return result, [], []
    lk = _Lookups.load()
    in_scope = _scope_check(actor)
    errors = result.errors
    present = set(mapping)
    idx = mapping.get
    header_of = {f: (written[i] or COLUMN_BY_FIELD[f].header) for f, i in mapping.items()}

    parsed: list[_Row] = []
    seen: dict[str, int] = {}
    ncols = len(written)
    for r_index in range(1, len(rows)):
        raw = rows[r_index]
        if len(raw) < ncols:
            raw = list(raw) + [""] * (ncols - len(raw))
        if not any(v not in ("", None) for v in raw):
            continue
        rowno = r_index + 1
        result.total += 1
        row_errors = len(errors)

        def err(fld, value, reason, rowno=rowno):
            errors.append(
                RowError(
                    rowno, header_of.get(fld, COLUMN_BY_FIELD[fld].header), cell_text(value), reason
                )
            )

        values = {}
        code = cell_text(raw[idx("credit_code")]).upper()
        problem = None if _code_ok(code) else credit_code_error(code)
        if problem:
            err("credit_code", code, problem)
        elif code in seen:
            err("credit_code", code, f"与第{seen[code]}行的信用代码重复。")
        else:
            seen[code] = rowno
        for fld in ("name", "short_name", "address", "legal_representative"):
            i = idx(fld)
            if i is None:
                continue
            text = cell_text(raw[i])
            limit = COLUMN_BY_FIELD[fld].max_length
            if not text and fld == "name":
                err(fld, text, "企业名称不能为空。")
            elif len(text) > limit:
                err(fld, text, f"不能超过{limit}个字，实际{len(text)}个字。")
            else:
                values[fld] = text

        # Place: a county by name (blank: from the code's digits 3–8), a township inside it.
        county_id = None
        i = idx("county")
        county_text = cell_text(raw[i]) if i is not None else ""
        if county_text:
            county_id = lk.counties_by_name.get(county_text) or lk.counties_by_code.get(county_text)
            if county_id is None:
                err("county", county_text, f"本市没有名为“{county_text}”的县(市、区)。")
            else:
                values["county"] = county_id
        i = idx("township")
        if i is not None:
            township_text = cell_text(raw[i])
            values["township"] = None
            if township_text:
                values["township"] = ("?", township_text)  # resolved once the county is known

        i = idx("industry_section")
        section = ""
        if i is not None:
            text = cell_text(raw[i])
            section = (
                SECTION_BY_TEXT.get(text.upper() if len(text) == 1 else text, None) if text else ""
            )
            if section is None:
                err("industry_section", text, "行业门类应为 A—T 的字母或门类名称。")
                section = ""
            else:
                values["industry_section"] = section
        i = idx("industry_division")
        if i is not None:
            text = cell_text(raw[i])
            if text.isdigit() and len(text) == 1:
                text = "0" + text
            if text and text not in SECTION_FOR_DIVISION:
                err("industry_division", text, "行业大类应为两位数字（GB/T 4754-2017，01—97）。")
            else:
                values["industry_division"] = text
                if text and section and SECTION_FOR_DIVISION[text] != section:
                    err("industry_division", text, f"行业大类{text}不属于门类{section}。")
                elif text and not section and "industry_section" in present:
                    values["industry_section"] = SECTION_FOR_DIVISION[text]

        for fld, table, what in (
            ("ownership", OWNERSHIP_BY_LABEL, "经济类型"),
            ("status", STATUS_BY_LABEL, "状态"),
        ):
            i = idx(fld)
            if i is None:
                continue
            text = cell_text(raw[i])
            if text:
                if text in table:
                    values[fld] = table[text]
                else:
                    err(fld, text, f"{what}应为：{'、'.join(table)}。")
        i = idx("is_key")
        if i is not None:
            text = cell_text(raw[i]).upper()
            if text:
                if text in BOOL_BY_TEXT:
                    values["is_key"] = BOOL_BY_TEXT[text]
                else:
                    err("is_key", text, "重点企业应填“是”或“否”。")

        i = idx("registered_capital")
        if i is not None:
            value = raw[i]
            text = cell_text(value).replace(",", "").replace("，", "")
            if not text:
                values["registered_capital"] = None
            else:
                try:
                    amount = Decimal(text).quantize(Decimal("0.01"))
                    if amount < 0 or amount > CAPITAL_MAX:
                        raise InvalidOperation
                    values["registered_capital"] = amount
                except (InvalidOperation, ValueError):
                    err("registered_capital", value, "注册资本应为不小于0的数字（单位万元）。")
        i = idx("established_on")
        if i is not None:
            value = raw[i]
            if value in ("", None):
                values["established_on"] = None
            else:
                try:
                    day = parse_date(value)
                    if day.year < 1900 or day > datetime.date.today():
                        err("established_on", value, "成立日期不能早于1900年或晚于今天。")
                    else:
                        values["established_on"] = day
                except ValueError:
                    err("established_on", value, "日期格式应为 2020-05-18。")

        tags, undated = None, set()
        i = idx("tags")
        if i is not None:
            tags = {}
            text = cell_text(raw[i])
            for part in TAG_SPLIT.split(text) if text else ():
                part = part.strip()
                if not part:
                    continue
                match = TAG_WITH_DATE.match(part)
                tag = lk.tags_by_name.get(match.group("name").strip()) if match else None
                if tag is None:
                    err(
                        "tags",
                        part,
                        f"没有名为“{match.group('name') if match else part}”的标签；可用标签见“填写说明”。",
                    )
                    continue
                since = None
                if match.group("date"):
                    try:
                        since = parse_date(match.group("date"))
                    except ValueError:
                        err("tags", part, f"标签“{tag.name}”的纳统日期格式应为 2024-03-01。")
                        continue
                if tag.needs_date and since is None:
                    undated.add(tag.pk)
                tags[tag.pk] = since if tag.needs_date else None

        if len(errors) == row_errors:
            parsed.append(_Row(rowno, code, values, tags, undated))

    # Existing records, by code, from every scope: the code is unique across the whole city, so
    # another county's enterprise must be found (and refused) here rather than by the database.
    existing = _load_existing([r.code for r in parsed])
    stored_tags = _load_stored_tags([e[0] for e in existing.values()]) if "tags" in present else {}
    tag_names = {t.pk: t.name for t in lk.tags_by_name.values()}
    new_rows, updates = [], []
    for row in parsed:
        before = existing.get(row.code)
        values = row.values

        def err(fld, value, reason, rowno=row.rowno):
            errors.append(
                RowError(
                    rowno, header_of.get(fld, COLUMN_BY_FIELD[fld].header), cell_text(value), reason
                )
            )

        if before is not None and not in_scope(before[1], before[2]):
            err("credit_code", row.code, "该信用代码的企业不在您的数据范围内。")
            continue
        county_id = values.get("county") or (
            before[1] if before else lk.counties_by_code.get(row.code[2:8])
        )
        if county_id is None:
            err("county", "", "请填写县(市、区)：信用代码第3—8位不对应本市任何县(市、区)。")
            continue
        values["county"] = county_id
        township = values.get("township", before[2] if before else None)
        if isinstance(township, tuple):
            township = lk.townships.get((county_id, township[1]))
            if township is None:
                err(
                    "township",
                    values["township"][1],
                    f"“{lk.region_names[county_id]}”没有名为“{values['township'][1]}”的乡镇(街道)。",
                )
                continue
            values["township"] = township
        elif (
            township is not None
            and lk.townships.get((county_id, lk.region_names.get(township))) != township
        ):
            # The county changed and the stored township is not in it: the row must say where.
            err(
                "township",
                "",
                f"请填写乡镇(街道)：原乡镇(街道)不属于“{lk.region_names[county_id]}”。",
            )
            continue
        if not in_scope(county_id, township):
            err("county", lk.region_names[county_id], "不在您的数据范围内。")
            continue
        held = stored_tags.get(before[0], {}) if before else {}
        if row.tags is not None and row.undated:
            missing = [t for t in row.undated if held.get(t) is None]
            for tag_id in missing:
                name = tag_names[tag_id]
                err("tags", name, f"标签“{name}”须写纳统日期，如 {name}(2024-03-01)。")
            if missing:
                continue
            for tag_id in row.undated:
                row.tags[tag_id] = held[tag_id]
        if before is None:
            new_rows.append(row)
            continue
        old = dict(zip(COMPARED, before[3], strict=True))
        changed = {f: v for f, v in values.items() if old[f] != v}
        tags_changed = row.tags is not None and held != row.tags
        if changed or tags_changed:
            updates.append((row, before[0], old, changed, held if tags_changed else None))
        else:
            result.unchanged += 1
    result.created = len(new_rows)
    result.updated = len(updates)
    return result, new_rows, updates


def _load_existing(codes: list[str]) -> dict:
    """code -> (id, county_id, township_id, COMPARED values) for the stored ones among ``codes``."""
    found = {}
    attnames = [f + "_id" if f in ("county", "township") else f for f in COMPARED]
    for start in range(0, len(codes), IN_CHUNK):
        chunk = codes[start : start + IN_CHUNK]
        for values in Enterprise.objects.filter(credit_code__in=chunk).values_list(
            "id", "credit_code", *attnames
        ):
            found[values[1]] = (values[0], values[4], values[5], values[2:])
    return found


def _load_stored_tags(ids: list[int]) -> dict:
    """enterprise id -> {tag id: since}."""
    held: dict[int, dict] = {}
    for start in range(0, len(ids), IN_CHUNK):
        links = EnterpriseTag.objects.filter(enterprise_id__in=ids[start : start + IN_CHUNK])
        for enterprise_id, tag_id, since in links.values_list("enterprise_id", "tag_id", "since"):
            held.setdefault(enterprise_id, {})[tag_id] = since
    return held


# --- Writing -----------------------------------------------------------------------------------------

INSERT_FIELDS = [
    "credit_code",
    "name",
    "short_name",
    "name_pinyin",
    "name_initials",
    "county",
    "township",
    "address",
    "legal_representative",
    "industry_section",
    "industry_division",
    "ownership",
    "registered_capital",
    "established_on",
    "status",
    "is_key",
    "created_at",
    "updated_at",
]


def _tags_text(held: dict, tag_names: dict) -> list[str]:
    return sorted(f"{tag_names[t]}({s:%Y-%m-%d})" if s else tag_names[t] for t, s in held.items())


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _write(*, new_rows, updates, actor, file_name: str, pinyins: dict) -> None:
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    note = f"Excel导入：{file_name}"[:500]
    tag_names = dict(Tag.objects.values_list("id", "name"))

    # New enterprises: one INSERT per batch, then their ids by code for tags and events.
    if new_rows:

        def enterprise_values():
            for row in new_rows:
                v = {**DEFAULTS, **row.values}
                full, initials = pinyins.get(v["name"]) or fast_name_pinyin(v["name"])
                yield (
                    row.code,
                    v["name"],
                    v["short_name"],
                    full,
                    initials,
                    v["county"],
                    v["township"],
                    v["address"],
                    v["legal_representative"],
                    v["industry_section"],
                    v["industry_division"],
                    v["ownership"],
                    v["registered_capital"],
                    v["established_on"],
                    v["status"],
                    v["is_key"],
                    now,
                    now,
                )

        insert_rows(Enterprise, INSERT_FIELDS, enterprise_values())
        ids = {}
        codes = [r.code for r in new_rows]
        for start in range(0, len(codes), IN_CHUNK):
            ids.update(
                Enterprise.objects.filter(
                    credit_code__in=codes[start : start + IN_CHUNK]
                ).values_list("credit_code", "id")
            )
        insert_rows(
            EnterpriseTag,
            ["enterprise", "tag", "since"],
            (
                (ids[row.code], tag_id, since)
                for row in new_rows
                if row.tags
                for tag_id, since in row.tags.items()
            ),
        )
        insert_rows(
            EnterpriseEvent,
            ["enterprise", "kind", "from_status", "to_status", "note", "actor", "at"],
            (
                (
                    ids[row.code],
                    EnterpriseEventKind.CREATED,
                    "",
                    row.values.get("status", EnterpriseStatus.ACTIVE),
                    note,
                    actor_id,
                    now,
                )
                for row in new_rows
            ),
        )

    # Updated enterprises: grouped by the set of changed columns, one bulk_update per group.
    if updates:
        groups: dict[tuple, list] = {}
        events, audits = [], []
        ctx = context.current()
        for row, pk, old, changed, held in updates:
            obj = Enterprise(pk=pk, updated_at=now)
            for fld, value in changed.items():
                setattr(obj, fld + "_id" if fld in ("county", "township") else fld, value)
            fields = sorted(changed)
            if "name" in changed:
                obj.name_pinyin, obj.name_initials = fast_name_pinyin(changed["name"])
                fields += ["name_pinyin", "name_initials"]
            if fields:
                groups.setdefault(tuple(fields), []).append(obj)
            before = {f: _plain(old[f]) for f in sorted(changed)}
            after = {f: _plain(v) for f, v in sorted(changed.items())}
            if held is not None:
                _replace_tags(pk, held, row.tags)
                before["tags"] = _tags_text(held, tag_names)
                after["tags"] = _tags_text(row.tags, tag_names)
            changes = {"before": before, "after": after}
            status_moved = "status" in changed
            events.append(
                EnterpriseEvent(
                    enterprise_id=pk,
                    kind=EnterpriseEventKind.IMPORTED,
                    changes=changes,
                    note=note,
                    actor_id=actor_id,
                    from_status=old["status"] if status_moved else "",
                    to_status=changed["status"] if status_moved else "",
                )
            )
            audits.append(
                AuditLog(
                    action=AuditAction.UPDATE,
                    actor_id=actor_id,
                    actor_username=getattr(actor, "username", "") or "(系统)",
                    actor_name=getattr(actor, "name", "") or "",
                    ip=ctx.ip,
                    request_id=ctx.request_id,
                    path=ctx.path[:300],
                    object_type=Enterprise._meta.label_lower,
                    object_id=str(pk),
                    object_repr=str(changed.get("name", old["name"]))[:200],
                    changes=changes,
                    detail=note,
                )
            )
        for fields, objs in groups.items():
            Enterprise.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=500)
        EnterpriseEvent.objects.bulk_create(events, batch_size=1000)
        AuditLog.objects.bulk_create(audits, batch_size=1000)


def _replace_tags(enterprise_id: int, held: dict, wanted: dict) -> None:
    gone = [t for t in held if t not in wanted]
    if gone:
        EnterpriseTag.objects.filter(enterprise_id=enterprise_id, tag_id__in=gone).delete()
    for tag_id, since in wanted.items():
        if tag_id not in held:
            EnterpriseTag.objects.create(enterprise_id=enterprise_id, tag_id=tag_id, since=since)
        elif held[tag_id] != since:
            EnterpriseTag.objects.filter(enterprise_id=enterprise_id, tag_id=tag_id).update(
                since=since
            )


# --- Services --------------------------------------------------------------------------------------------


def _check_actor(actor) -> None:
    if not can(actor, Enterprise.access, "import"):
        raise PermissionDenied("您没有导入企业的权限。")


@contextmanager
def _no_cyclic_gc():
    """A 100,000-row file is millions of live objects and none of them cyclic garbage; the
    cyclic collector would rescan them all again and again (the import slowed to half speed)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def enterprise_import_preview(*, rows: list[list], actor, file_name: str) -> ImportResult:
    """Validate ``rows`` (header first) and count new / updated / unchanged / error rows. No writes."""
    _check_actor(actor)
    with _no_cyclic_gc():
        result, _, _ = _analyse(rows=rows, actor=actor, file_name=file_name)
    return result


def enterprise_import_commit(*, rows: list[list], actor, file_name: str) -> ImportResult:
    """Validate again and write all rows in one transaction, or nothing when any row is invalid."""
    _check_actor(actor)
    try:
        with _no_cyclic_gc(), transaction.atomic():
            pinyin_job = _start_pinyin(rows)
            result, new_rows, updates = _analyse(rows=rows, actor=actor, file_name=file_name)
            if not result.ok:
                if pinyin_job is not None:
                    pinyin_job.cancel()
                return result
            pinyins = {}
            if pinyin_job is not None:
                try:
                    pinyins = pinyin_job.result(timeout=600)
                except Exception:  # a lost worker only costs time: compute in this process
                    pinyins = {}
            _write(
                new_rows=new_rows,
                updates=updates,
                actor=actor,
                file_name=file_name,
                pinyins=pinyins,
            )
            audit_write(
                action=AuditAction.IMPORT,
                object_type=Enterprise._meta.label_lower,
                object_repr="企业",
                actor=actor,
                detail=(
                    f"导入文件“{file_name}”：共 {result.total} 行，新增 {result.created}，"
                    f"更新 {result.updated}，未变 {result.unchanged}。"
                ),
            )
    except IntegrityError:
        result = ImportResult(
            file_name=file_name,
            file_error="导入期间数据被他人修改（信用代码冲突），未写入任何数据，请重新预览后再导入。",
        )
        return result
    result.committed = True
    return result


# --- The template ------------------------------------------------------------------------------------------


def enterprise_import_template() -> bytes:
    """The import template: the headers, one example row, and a 填写说明 sheet."""
    import io

    import xlsxwriter

    from shangwu.enterprises.validators import credit_code_check_char

    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code").first()
    township = (
        Region.objects.filter(parent=county).order_by("sort_order", "code").first()
        if county
        else None
    )
    body = f"91{county.code if county else '419902'}MA0000001"
    example = [
        body + credit_code_check_char(body),
        "示例商贸有限公司",
        "示例商贸",
        county.name if county else "",
        township.name if township else "",
        "建设路1号",
        "张三",
        "F",
        "52",
        "内资",
        500,
        datetime.date(2020, 5, 18),
        "存续",
        "否",
        "限上零售(2024-03-01)、外贸实绩",
    ]
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    must = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(SHEET_NAME)
    for col, (column, title) in enumerate(zip(COLUMNS, TEMPLATE_HEADERS, strict=True)):
        ws.write_string(0, col, title, must if column.required else head)
        ws.set_column(
            col,
            col,
            24 if column.field in ("credit_code", "name", "address", "tags") else 14,
            date_fmt if column.field == "established_on" else text_fmt,
        )
    for col, value in enumerate(example):
        if isinstance(value, datetime.date):
            ws.write_datetime(1, col, datetime.datetime.combine(value, datetime.time()), date_fmt)
        elif isinstance(value, int):
            ws.write_number(1, col, value)
        else:
            ws.write_string(1, col, value)
    ws.freeze_panes(1, 0)

    help_ws = wb.add_worksheet(HELP_SHEET_NAME)
    help_ws.set_column(0, 0, 20)
    help_ws.set_column(1, 1, 8)
    help_ws.set_column(2, 2, 80)
    for col, title in enumerate(["列名", "必填", "格式与可选值"]):
        help_ws.write_string(0, col, title, head)
    tags = list(Tag.objects.order_by("sort_order", "name"))
    r = 1
    for column, title in zip(COLUMNS, TEMPLATE_HEADERS, strict=True):
        text = column.format
        if column.field == "tags":
            text += "。可用标签：" + "、".join(
                f"{t.name}{'（须写纳统日期）' if t.needs_date else ''}" for t in tags
            )
        if column.field == "industry_section":
            text += "。" + "；".join(f"{code} {label}" for code, label in INDUSTRY_SECTIONS)
        help_ws.write_string(r, 0, title)
        help_ws.write_string(r, 1, "是" if column.required else "否")
        help_ws.write_string(r, 2, text)
        r += 1
    r += 1
    for line in (
        "1. 第1行为表头，请勿修改；从第2行起每行一家企业，示例行请删除或改为真实数据。",
        "2. 以统一社会信用代码为准：代码已存在则更新该企业，不存在则新增；重复导入同一文件不会产生任何变化。",
        "3. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
        "4. 只能导入您数据范围内的企业；县(市、区)、乡镇(街道)须填本市名称。",
        "5. 某列整列不存在时，已有企业的该项保持不变；单元格留空时，经济类型、状态、重点企业保持不变，其余项清空。",
        "6. 支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）；不接受启用宏的工作簿。",
    ):
        help_ws.write_string(r, 0, line)
        r += 1
    wb.close()
    return buffer.getvalue()
