"""Validating an enterprise import: every cell against the lookups, then every row against the
stored record with the same credit code.

Speed (bench/enterprise_import.py): the cells are checked column by column, and a column's
distinct values only once (counties, 门类/大类, 经济类型, amounts, dates and tag lists repeat
across 100,000 rows), so most cells cost one dictionary lookup. The stored records are loaded in
one query and compared as tuples, so an unchanged row costs one tuple comparison. The messages
and their order are those of a row-by-row check: a row's cell errors in column order, rows in
file order, then the errors found against the stored records.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import mul

from django.db import connection
from django.utils import timezone

from shangwu.audit.services import plain_value
from shangwu.core.access import matches, scope_of
from shangwu.core.imports import RowError, cell_text, merged_cells_error, parse_date
from shangwu.designations.selectors import designation_tag_codes
from shangwu.enterprises.imports.columns import (
    BOOL_BY_TEXT,
    CAPITAL_MAX,
    COLUMN_BY_FIELD,
    COMPARED,
    OWNERSHIP_BY_LABEL,
    SECTION_BY_TEXT,
    SECTION_FOR_DIVISION,
    STATUS_BY_LABEL,
    TAG_SPLIT,
    TAG_WITH_DATE,
    ImportResult,
    header_map,
)
from shangwu.enterprises.imports.template import EXAMPLE_CODE_BODY, EXAMPLE_NAME
from shangwu.enterprises.models import Enterprise, EnterpriseTag, Tag
from shangwu.enterprises.selectors import change_lines
from shangwu.enterprises.validators import (
    ALPHABET,
    CONTROL_CHARACTERS,
    WEIGHTS,
    credit_code_error,
    normalize_credit_code,
)
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

# Positions in a row's values (COMPARED order).
NAME, SHORT, COUNTY, TOWNSHIP, ADDRESS, LEGAL, SECTION, DIVISION = range(8)
OWNERSHIP, CAPITAL, ESTABLISHED, STATUS, IS_KEY = range(8, 13)
HEADER_SEARCH_ROWS = 5  # how far down the header row may be
PREVIEW_CHANGES = 200  # updates whose changes the preview spells out
KEEP = type("Keep", (), {"__repr__": lambda self: "KEEP", "__slots__": ()})()  # "not given"
_MISS = object()
# The order a row-by-row check reports a row's cell errors in.
_SEQ = {
    f: i
    for i, f in enumerate(
        [
            "credit_code",
            "name",
            "short_name",
            "address",
            "legal_representative",
            "county",
            "industry_section",
            "industry_division",
            "ownership",
            "status",
            "is_key",
            "registered_capital",
            "established_on",
            "tags",
        ]
    )
}


class _Bad:
    """A cell that failed: the value as shown and the reason (a list for the tags cell)."""

    __slots__ = ("shown", "reason")

    def __init__(self, shown, reason):
        self.shown, self.reason = shown, reason


class ImportRow:
    """A valid row: its number, code, values (COMPARED order, KEEP when not given) and tags."""

    __slots__ = ("rowno", "code", "vals", "tags", "undated")

    def __init__(self, rowno, code, vals, tags, undated):
        self.rowno, self.code, self.vals, self.tags, self.undated = (
            rowno,
            code,
            vals,
            tags,
            undated,
        )


@dataclass
class Plan:
    """What a commit writes: new rows, and updates (row, id, stored values, changes, held tags)."""

    new_rows: list
    updates: list
    tag_names: dict


@dataclass
class Lookups:
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
            # 老字号 and the other designation tags follow the designations: not importable.
            {t.name: t for t in Tag.objects.all() if t.code not in designation_tag_codes()},
        )


# --- Cells --------------------------------------------------------------------------------------

# Line breaks and other control characters never belong in a name or an address (the model's
# validate_single_line): in a CSV they mean a quote left open, which runs several rows into one
# cell; and PostgreSQL cannot store NUL.
CONTROL_REASON = (
    "不能包含换行符或其他控制字符（单元格内换行，或 CSV 文件中引号不成对、几行并进了一格）。"
)
_CODE_CHARS = {c: i for i, c in enumerate(ALPHABET)}
_CODE_SET = frozenset(ALPHABET)


def code_ok(code: str) -> bool:
    """``credit_code_error(code) is None``, quickly (GB 32100-2015)."""
    if len(code) != 18 or not _CODE_SET.issuperset(code) or not code[2:8].isdigit():
        return False
    total = sum(map(mul, map(_CODE_CHARS.__getitem__, code[:17]), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31] == code[17]


def _texts(column) -> list[str]:
    return [v.strip() if v.__class__ is str else cell_text(v) for v in column]


def _is_bad(value) -> bool:
    return value.__class__ is _Bad


def _mapped(column, parse) -> tuple[list, bool]:
    """``[parse(v) for v in column]``, computing each distinct cell once; and whether any failed."""
    cache: dict = {}
    get = cache.get
    out = []
    append = out.append
    failed = False
    is_bad = getattr(parse, "failed", _is_bad)
    for v in column:
        key = v if v.__class__ is str else (v.__class__, v)  # 1, 1.0 and True are equal keys
        try:
            r = get(key, _MISS)
        except TypeError:  # unhashable
            r = parse(v)
            failed = failed or is_bad(r)
        else:
            if r is _MISS:
                r = cache[key] = parse(v)
                failed = failed or is_bad(r)
        append(r)
    return out, failed


def _cell_parsers(lk: Lookups):
    today = timezone.localdate()
    quantum = Decimal("0.01")

    def county(v):
        text = cell_text(v)
        if not text:
            return KEEP
        found = lk.counties_by_name.get(text) or lk.counties_by_code.get(text)
        if found is None:
            return _Bad(text, f"本市没有名为“{text}”的县(市、区)。")
        return found

    def township(v):
        text = cell_text(v)
        return ("?", text) if text else None  # resolved once the county is known

    def section(v):
        text = cell_text(v)
        if not text:
            return ""
        found = SECTION_BY_TEXT.get(text.upper() if len(text) == 1 else text)
        return _Bad(text, "行业门类应为 A—T 的字母或门类名称。") if found is None else found

    def division(pair):
        """(section or KEEP, division or KEEP, [(field, shown, reason)]) for a 门类/大类 pair."""
        sec, text = pair
        errors = []
        if sec.__class__ is _Bad:
            errors.append(("industry_section", sec.shown, sec.reason))
            sec_value, sec = KEEP, ""
        else:
            sec_value = KEEP if sec is None else sec
            sec = sec or ""
        if text is None:
            return sec_value, KEEP, errors
        if text.isdigit() and len(text) == 1:
            text = "0" + text
        if text and text not in SECTION_FOR_DIVISION:
            errors.append(
                ("industry_division", text, "行业大类应为两位数字（GB/T 4754-2017，01—97）。")
            )
            return sec_value, KEEP, errors
        if text and sec and SECTION_FOR_DIVISION[text] != sec:
            errors.append(("industry_division", text, f"行业大类{text}不属于门类{sec}。"))
        elif text and not sec:  # a blank or absent 门类 follows the 大类
            sec_value = SECTION_FOR_DIVISION[text]
        return sec_value, text, errors

    division.failed = lambda r: bool(r[2])

    def choice(table, what):
        def parse(v):
            text = cell_text(v)
            if not text:
                return KEEP
            if text in table:
                return table[text]
            return _Bad(text, f"{what}应为：{'、'.join(table)}。")

        return parse

    def is_key(v):
        text = cell_text(v).upper()
        if not text:
            return KEEP
        if text in BOOL_BY_TEXT:
            return BOOL_BY_TEXT[text]
        return _Bad(text, "重点企业应填“是”或“否”。")

    def capital(v):
        text = cell_text(v).replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            exact = Decimal(text)
            amount = exact.quantize(quantum)
            if amount < 0 or amount > CAPITAL_MAX:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            return _Bad(cell_text(v), "注册资本应为不小于0的数字（单位万元）。")
        # More places than cents: refused when typed so, rounded when it is a spreadsheet
        # number's binary noise (1234.5600000000002 is 1234.56).
        if amount != exact and not (v.__class__ is float and abs(float(amount) - v) < 1e-6):
            return _Bad(cell_text(v), "注册资本以万元为单位，最多两位小数。")
        return amount

    def established(v):
        if v in ("", None):
            return None
        try:
            day = parse_date(v)
        except ValueError:
            return _Bad(cell_text(v), "日期格式应为 2020-05-18。")
        if day.year < 1900 or day > today:
            return _Bad(cell_text(v), "成立日期不能早于1900年或晚于今天。")
        return day

    def tags(v):
        """({tag id: since}, {undated tag ids}, [(shown, reason)]) for a tags cell."""
        found, undated, errors = {}, set(), []
        text = cell_text(v)
        for part in TAG_SPLIT.split(text) if text else ():
            part = part.strip()
            if not part:
                continue
            match = TAG_WITH_DATE.match(part)
            tag = lk.tags_by_name.get(match.group("name").strip()) if match else None
            if tag is None:
                errors.append(
                    (
                        part,
                        f"没有名为“{match.group('name') if match else part}”的标签；可用标签见“填写说明”。",
                    )
                )
                continue
            since = None
            if match.group("date"):
                try:
                    since = parse_date(match.group("date"))
                except ValueError:
                    errors.append((part, f"标签“{tag.name}”的纳统日期格式应为 2024-03-01。"))
                    continue
                if since.year < 1900 or since > today:
                    errors.append((part, f"标签“{tag.name}”的纳统日期不能早于1900年或晚于今天。"))
                    continue
            if tag.needs_date and since is None:
                undated.add(tag.pk)
            found[tag.pk] = since if tag.needs_date else None
        return found, frozenset(undated), errors

    return {
        "county": county,
        "township": township,
        "industry_section": section,
        "division": division,
        "ownership": choice(OWNERSHIP_BY_LABEL, "经济类型"),
        "status": choice(STATUS_BY_LABEL, "状态"),
        "is_key": is_key,
        "registered_capital": capital,
        "established_on": established,
        "tags": tags,
    }


# --- Stored records ----------------------------------------------------------------------------


def _in_codes(column: str, values: list) -> tuple[str, list]:
    """``column IN (values)`` as one parameter, whatever the count."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]


def _converters():
    """Stored values as the cells parse to: SQLite hands back text dates and float amounts."""
    to_decimal = decimal.Context(prec=15).create_decimal_from_float  # Django's own converter
    quantum = Decimal("0.01")
    dates: dict = {}
    amounts: dict = {}

    def date(v):
        if v is None or v.__class__ is datetime.date:
            return v
        d = dates.get(v)
        if d is None:
            d = dates[v] = datetime.date.fromisoformat(v)
        return d

    def amount(v):
        if v is None or v.__class__ is Decimal:
            return v
        d = amounts.get(v)
        if d is None:
            d = amounts[v] = to_decimal(v).quantize(quantum)
        return d

    return date, amount


def load_existing(codes: list[str]) -> dict:
    """code -> (id, county_id, township_id, COMPARED values) for the stored ones among ``codes``."""
    if not codes:
        return {}
    opts = Enterprise._meta
    qn = connection.ops.quote_name
    columns = [opts.get_field(f).column for f in COMPARED]
    where, params = _in_codes(qn("credit_code"), codes)
    sql = (
        f"SELECT {qn('id')}, {qn('credit_code')}, {', '.join(qn(c) for c in columns)} "
        f"FROM {qn(opts.db_table)} WHERE {where}"
    )
    date, amount = _converters()
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for r in cursor.fetchall():
            vals = list(r[2:])
            vals[CAPITAL] = amount(vals[CAPITAL])
            vals[ESTABLISHED] = date(vals[ESTABLISHED])
            vals[IS_KEY] = bool(vals[IS_KEY])
            found[r[1]] = (r[0], r[4], r[5], tuple(vals))
    return found


def load_stored_tags(ids: list[int]) -> dict:
    """enterprise id -> {tag id: since}."""
    if not ids:
        return {}
    qn = connection.ops.quote_name
    where, params = _in_codes(qn("enterprise_id"), ids)
    date, _ = _converters()
    held: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn('enterprise_id')}, {qn('tag_id')}, {qn('since')} "
            f"FROM {qn(EnterpriseTag._meta.db_table)} WHERE {where}",
            params,
        )
        for enterprise_id, tag_id, since in cursor.fetchall():
            held.setdefault(enterprise_id, {})[tag_id] = date(since)
    return held


# --- The analysis ---------------------------------------------------------------------------------


def tags_text(held: dict, tag_names: dict) -> list[str]:
    """An enterprise's tags as the audit row and the preview write them: 限上零售(2024-03-01)."""
    return sorted(f"{tag_names[t]}({s:%Y-%m-%d})" if s else tag_names[t] for t, s in held.items())


def _preview_change(row, old: dict, changed: dict, held, lk, tag_names) -> tuple:
    """(row, name, lines, clears): what an update will do, for the preview; ``clears`` when it
    empties a field or drops a tag (a blank cell clears: the clerk should see it before)."""
    before = {f: old[f] for f in changed}
    after = dict(changed)
    if held is not None:
        before["tags"], after["tags"] = tags_text(held, tag_names), tags_text(row.tags, tag_names)
    before, after = ({k: plain_value(v) for k, v in d.items()} for d in (before, after))
    clears = any(after[k] in (None, "", []) for k in after) or (
        held is not None and bool(set(held) - set(row.tags))
    )
    name = changed.get("name", old["name"])
    return row.rowno, name, change_lines(before, after, lk.region_names), clears


def scope_check(actor):
    """A predicate (county_id, township_id) → may ``actor`` change an enterprise there? It reads
    the rule ``Enterprise.scope`` declares for "change" (``core.access``), evaluated once per place
    (a file names a few hundred places at most, so 100,000 rows cost a few hundred checks)."""
    if actor.region is None:
        return lambda county_id, township_id: False
    q = scope_of(Enterprise).rule("change").q(Enterprise, actor)

    @functools.cache
    def in_scope(county_id, township_id):
        return matches(q, {"county_id": county_id, "township_id": township_id})

    return in_scope


def analyse(*, rows: list[list], actor, file_name: str, on_codes=None):
    """Parse and validate every row; return (result, plan).

    ``on_codes(codes, existing, names)`` is called as soon as the codes are read and the stored
    records loaded (before the other columns are checked): a commit starts the new names' pinyin
    there.
    """
    result = ImportResult(file_name=file_name)
    plan = Plan([], [], {})
    if not rows:
        result.file_error = "文件中没有数据。"
        return result, plan
    # The header is the first of the top rows naming the key columns: a title row or two above
    # it (“2026年重点企业名单”) is common in the bureau's own files. With none, the message is
    # about the row that came closest.
    candidates = [header_map(row) for row in rows[:HEADER_SEARCH_ROWS]]
    header_at = next((i for i, c in enumerate(candidates) if not c[2]), None)
    if header_at is None:
        header_at = max(range(len(candidates)), key=lambda i: len(candidates[i][0]))
    mapping, written, file_error = candidates[header_at]
    if not file_error:
        file_error = merged_cells_error(rows, header_at)
    ignored = [text for i, text in enumerate(written) if text and i not in mapping.values()]
    if file_error:
        result.file_error = file_error
        return result, plan
    lk = Lookups.load()
    in_scope = scope_check(actor)
    header_of = {f: (written[i] or COLUMN_BY_FIELD[f].header) for f, i in mapping.items()}
    ncols = len(written)

    # Non-empty rows (a row with only "" / None cells is skipped), padded to the header's width.
    data, rownos = [], []
    ci, ni = mapping["credit_code"], mapping["name"]
    for r_index in range(header_at + 1, len(rows)):
        raw = rows[r_index]
        if len(raw) < ncols:
            raw = list(raw) + [""] * (ncols - len(raw))
        first = raw[ci]
        if (first == "" or first is None) and not any(v not in ("", None) for v in raw):
            continue
        data.append(raw)
        rownos.append(r_index + 1)
    n = result.total = len(data)
    if not n:
        result.file_error = "文件中除表头外没有数据行。"
        return result, plan
    result.ignored_columns = ignored
    cell_errors: list[tuple] = []  # (rowno, seq, RowError)

    def err(k, fld, shown, reason):
        rowno = rownos[k]
        cell_errors.append(
            (rowno, _SEQ[fld], RowError(rowno, header_of[fld], cell_text(shown), reason))
        )

    # Credit codes: the key. Check digit, then duplicates among the valid ones.
    codes = [
        t.upper() if t.isascii() else normalize_credit_code(t)
        for t in _texts([r[ci] for r in data])
    ]
    seen: dict[str, int] = {}
    for k, code in enumerate(codes):
        problem = None if code_ok(code) else credit_code_error(code)
        if problem:
            err(k, "credit_code", code, problem)
        elif code in seen:
            err(k, "credit_code", code, f"与第{seen[code]}行的信用代码重复。")
        else:
            seen[code] = rownos[k]
    names = _texts([r[ni] for r in data])
    if EXAMPLE_NAME in names:  # the template's own example, left in the file
        for k, (code, name) in enumerate(zip(codes, names, strict=True)):
            if name == EXAMPLE_NAME and code[8:17] == EXAMPLE_CODE_BODY:
                err(k, "name", name, "这是导入模板中的示例行：请删除，或改为真实企业后再导入。")
    # Existing records, by code, from every scope: the code is unique across the whole city, so
    # another county's enterprise must be found (and refused) here rather than by the database.
    existing = load_existing(list(seen))
    if on_codes is not None:
        on_codes(codes, existing, names)

    # Each column parsed as a whole into ``columns[pos]`` (absent: all KEEP); errors noted.
    columns: list = [None] * len(COMPARED)
    # Text columns: the name is required; all have a length limit.
    for fld, pos in (
        ("name", NAME),
        ("short_name", SHORT),
        ("address", ADDRESS),
        ("legal_representative", LEGAL),
    ):
        i = mapping.get(fld)
        if i is None:
            continue
        texts = columns[pos] = names if fld == "name" else _texts([r[i] for r in data])
        limit = COLUMN_BY_FIELD[fld].max_length
        if fld == "name" and not all(texts):
            for k, text in enumerate(texts):
                if not text:
                    err(k, fld, text, "企业名称不能为空。")
        if texts and max(map(len, texts)) > limit:
            for k, text in enumerate(texts):
                if len(text) > limit:
                    err(k, fld, text, f"不能超过{limit}个字，实际{len(text)}个字。")
        if CONTROL_CHARACTERS.search(
            "".join(texts)
        ):  # one scan of the column; rows only when found
            for k, text in enumerate(texts):
                if CONTROL_CHARACTERS.search(text):
                    err(k, fld, text.replace("\x00", ""), CONTROL_REASON)

    parse = _cell_parsers(lk)
    for fld, pos in (
        ("county", COUNTY),
        ("township", TOWNSHIP),
        ("ownership", OWNERSHIP),
        ("status", STATUS),
        ("is_key", IS_KEY),
        ("registered_capital", CAPITAL),
        ("established_on", ESTABLISHED),
    ):
        i = mapping.get(fld)
        if i is None:
            continue
        parsed, failed = _mapped([r[i] for r in data], parse[fld])
        columns[pos] = parsed
        if failed:
            for k, value in enumerate(parsed):
                if value.__class__ is _Bad:
                    err(k, fld, value.shown, value.reason)

    # 门类 and 大类 together: a 大类 must belong to its 门类, and a blank 门类 follows the 大类.
    si, di = mapping.get("industry_section"), mapping.get("industry_division")
    if si is not None or di is not None:
        sections = (
            _mapped([r[si] for r in data], parse["industry_section"])[0]
            if si is not None
            else [None] * n
        )
        divisions = _texts([r[di] for r in data]) if di is not None else [None] * n
        pairs, failed = _mapped(list(zip(sections, divisions, strict=True)), parse["division"])
        columns[SECTION] = [p[0] for p in pairs]
        columns[DIVISION] = [p[1] for p in pairs]
        if failed:
            for k, pair in enumerate(pairs):
                for fld, shown, reason in pair[2]:
                    err(k, fld, shown, reason)

    keep = [KEEP] * n
    vals = [list(v) for v in zip(*(keep if c is None else c for c in columns), strict=True)]

    ti = mapping.get("tags")
    tag_cells = _mapped([r[ti] for r in data], parse["tags"])[0] if ti is not None else None
    if tag_cells is not None:
        for k, (_, _, errors) in enumerate(tag_cells):
            for shown, reason in errors:
                err(k, "tags", shown, reason)

    errors = result.errors
    cell_errors.sort(key=lambda e: (e[0], e[1]))  # stable: a cell's own errors keep their order
    errors.extend(e[2] for e in cell_errors)
    bad_rows = {e[0] for e in cell_errors}

    # Against the stored records: scope, place, tags needing a date, new / changed / unchanged.
    stored_tags = (
        load_stored_tags([e[0] for e in existing.values()]) if tag_cells is not None else {}
    )
    plan.tag_names = tag_names = {t.pk: t.name for t in lk.tags_by_name.values()}
    new_rows, updates = plan.new_rows, plan.updates
    townships, region_names = lk.townships, lk.region_names
    counties_by_code = lk.counties_by_code
    unchanged = 0
    no_tags = ({}, frozenset(), ())
    region = actor.region
    own_township = (
        region.pk if region is not None and region.level == RegionLevel.TOWNSHIP else None
    )
    own_county = region.parent_id if own_township is not None else None
    for k in range(n):
        rowno = rownos[k]
        if rowno in bad_rows:
            continue
        code = codes[k]
        row_vals = vals[k]
        before = existing.get(code)

        def fail(fld, shown, reason, rowno=rowno):
            errors.append(
                RowError(rowno, header_of.get(fld, COLUMN_BY_FIELD[fld].header), shown, reason)
            )

        if before is not None and not in_scope(before[1], before[2]):
            fail("credit_code", code, "该信用代码的企业不在您的数据范围内。")
            continue
        county_id = row_vals[COUNTY]
        if county_id is KEEP:
            county_id = before[1] if before else counties_by_code.get(code[2:8])
        if county_id is None:
            fail("county", "", "请填写县(市、区)：信用代码第3—8位不对应本市任何县(市、区)。")
            continue
        row_vals[COUNTY] = county_id
        township = row_vals[TOWNSHIP]
        if township is KEEP:
            township = before[2] if before else None
        if township.__class__ is tuple:
            found = townships.get((county_id, township[1]))
            if found is None:
                fail(
                    "township",
                    township[1],
                    f"“{region_names[county_id]}”没有名为“{township[1]}”的乡镇(街道)。",
                )
                continue
            row_vals[TOWNSHIP] = township = found
        elif (
            township is not None
            and townships.get((county_id, region_names.get(township))) != township
        ):
            # The county changed and the stored township is not in it: the row must say where.
            fail(
                "township", "", f"请填写乡镇(街道)：原乡镇(街道)不属于“{region_names[county_id]}”。"
            )
            continue
        if not in_scope(county_id, township):
            if own_township is not None and county_id == own_county:  # a township officer
                shown = region_names.get(township, "") if township else ""
                fail("township", shown, f"您只能导入“{region_names[own_township]}”的企业。")
            else:
                mine = (
                    f"（您只能导入{region_names[region.pk]}的企业）" if region is not None else ""
                )
                fail("county", region_names[county_id], f"不在您的数据范围内{mine}。")
            continue
        tags, undated, _ = tag_cells[k] if tag_cells is not None else (None, (), ())
        held = stored_tags.get(before[0], no_tags[0]) if before else no_tags[0]
        if undated:
            missing = [t for t in undated if held.get(t) is None]
            for tag_id in missing:
                name = tag_names[tag_id]
                fail("tags", name, f"标签“{name}”须写纳统日期，如 {name}(2024-03-01)。")
            if missing:
                continue
            tags = {**tags, **{tag_id: held[tag_id] for tag_id in undated}}
        founded = row_vals[ESTABLISHED]
        if founded is KEEP:
            founded = before[3][ESTABLISHED] if before else None
        early = [t for t, since in (tags or {}).items() if since and founded and since < founded]
        if early:  # statistics count an enterprise from when it exists
            for tag_id in early:
                name = tag_names[tag_id]
                fail("tags", name, f"标签“{name}”的纳统日期早于成立日期{founded:%Y-%m-%d}。")
            continue
        row = ImportRow(rowno, code, row_vals, tags, undated)
        if before is None:
            new_rows.append(row)
            continue
        stored = before[3]
        merged = tuple(s if v is KEEP else v for v, s in zip(row_vals, stored, strict=True))
        if (
            row_vals[SECTION] is not KEEP
            and row_vals[DIVISION] is KEEP
            and merged[DIVISION]
            and SECTION_FOR_DIVISION[merged[DIVISION]] != merged[SECTION]
        ):
            # The row gives a 门类 but no 大类, and the stored 大类 is not in the new 门类.
            fail(
                "industry_section",
                merged[SECTION],
                f"库中的行业大类{merged[DIVISION]}不属于门类{merged[SECTION] or '（空）'}："
                "请同时填写行业大类。",
            )
            continue
        tags_changed = tags is not None and held != tags
        if merged == stored and not tags_changed:
            unchanged += 1
            continue
        old = dict(zip(COMPARED, stored, strict=True))
        changed = {
            f: v
            for f, v, s in zip(COMPARED, row_vals, stored, strict=True)
            if v is not KEEP and v != s
        }
        updates.append((row, before[0], old, changed, held if tags_changed else None))
        if len(result.changes) < PREVIEW_CHANGES:
            result.changes.append(
                _preview_change(row, old, changed, held if tags_changed else None, lk, tag_names)
            )
    # Row by row as the clerk reads the file (a row's cell errors before its other ones).
    errors.sort(key=lambda e: e.row)
    result.unchanged = unchanged
    result.created = len(new_rows)
    result.updated = len(updates)
    return result, plan
