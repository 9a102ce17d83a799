"""The column parsers of the import contract (core.importer), which every importer declares its
columns with: a cell becomes a value, or a Chinese reason the preview shows against its row and
column."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from shangwu.core.importer import (
    Amount,
    Choice,
    Code,
    Column,
    Date,
    Importer,
    Lookup,
    ParsedRow,
    Quarter,
    YesNo,
)


class Place:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name

    def __str__(self):
        return self.name


HEDONG = Place(1, "河东区")
DONGHU = Place(11, "东湖街道")
CONTEXT = SimpleNamespace(
    counties={"河东区": HEDONG}, townships={(1, "东湖街道"): DONGHU}, stages={"签约": 1, "开工": 2}
)


class PlaceImporter(Importer):
    columns = [
        Column(
            "county",
            "县(市、区)",
            True,
            parse=Lookup("counties", "本市没有名为“{value}”的县(市、区)。"),
        ),
        Column(
            "township",
            "乡镇(街道)",
            parse=Lookup(
                "townships", "“{within}”下没有名为“{value}”的乡镇(街道)。", within="county"
            ),
        ),
        Column("stage", "阶段", parse=Lookup("stages", "没有“{value}”阶段；可用：{choices}。")),
        Column("quarter", "纳入季度", parse=Quarter(), into=("year", "quarter")),
        Column("amount", "总投资", True, parse=Amount(), empty="总投资不能为空。"),
        Column("kind", "类型", parse=Choice({"民企": "private", "国企": "state"})),
        Column("key", "重点", parse=YesNo()),
        Column("on", "签约时间", parse=Date()),
        Column("division", "行业大类", parse=Code({"05": "A", "30": "C"}, "大类不对。", width=2)),
    ]

    def check_row(self, row, context):
        if row.values.get("key") and not row.values.get("quarter"):
            row.err("quarter", row.text("quarter"), "重点项目须填写纳入季度。")


def read(**cells) -> ParsedRow:
    return PlaceImporter().parse_row(2, {"amount": "1", **cells}, CONTEXT)


def reasons(row) -> dict:
    return {field: reason for field, _value, reason in row.errors}


def test_a_good_row_becomes_the_values_written():
    row = read(
        county="河东区",
        township="东湖街道",
        stage="开工",
        quarter="2025年第三季度",
        amount="1,234.5",
        kind="民企",
        key="是",
        on=45747.0,  # a date typed into a 常规 cell reaches us as Excel's day number
        division="5",
    )
    assert row.errors == []
    assert row.values == {
        "county": HEDONG,
        "township": DONGHU,
        "stage": 2,
        "year": 2025,
        "quarter": 3,
        "amount": Decimal("1234.50"),
        "kind": "private",
        "key": True,
        "on": datetime.date(2025, 3, 31),
        "division": "05",
    }


def test_each_bad_cell_is_told_why_in_chinese():
    row = read(
        county="火星区",
        stage="验收",
        quarter="2025年第5季度",
        amount="-3",
        kind="外企",
        key="也许",
        on="2025-13-01",
        division="99",
    )
    assert reasons(row) == {
        "county": "本市没有名为“火星区”的县(市、区)。",
        "stage": "没有“验收”阶段；可用：签约、开工。",
        "quarter": "季度应写成“2025年第1季度”或“2025Q1”。",
        "amount": "金额应为非负数且不超过14位。",
        "kind": "应为：民企/国企。",
        "key": "应填“是”或“否”。",
        "on": "日期格式应为 2025-03-31。",
        "division": "大类不对。",
    }


def test_a_township_is_looked_up_within_its_county_and_not_without_one():
    assert reasons(read(county="河东区", township="西湖街道")) == {
        "township": "“河东区”下没有名为“西湖街道”的乡镇(街道)。"
    }
    row = read(county="火星区", township="东湖街道")  # the county is the row's error
    assert list(reasons(row)) == ["county"] and row.values["township"] is None


def test_blank_cells_are_empty_values_and_a_required_one_is_refused():
    row = read(county="河东区", township="", stage="", quarter="", kind="", key="", on="")
    assert row.errors == []
    assert {k: row.values[k] for k in ("township", "stage", "year", "quarter", "kind")} == {
        "township": None,
        "stage": None,
        "year": None,
        "quarter": None,
        "kind": None,
    }
    assert row.values["key"] is False and row.values["on"] is None
    assert reasons(read(county="河东区", amount="")) == {"amount": "总投资不能为空。"}


@pytest.mark.parametrize("written", ["2025Q1", "2025 年 第1 季度", "2025年一季度"])
def test_a_quarter_is_read_as_clerks_write_it(written):
    row = read(county="河东区", quarter=written)
    assert (row.values["year"], row.values["quarter"]) == (2025, 1)


def test_the_row_hook_checks_across_columns_after_every_column_is_read():
    row = read(county="河东区", key="是")
    assert reasons(row) == {"quarter": "重点项目须填写纳入季度。"}
