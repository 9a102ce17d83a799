from shangwu.workcalendar.forms import format_lines, parse_lines
from shangwu.workcalendar.tests.notices import d, span


def test_a_line_may_be_one_date_or_a_range_written_the_way_notices_write_them():
    parsed, errors = parse_lines(
        "2027-01-01 元旦\n2027年2月6日至2027年2月14日 春节\n2027/4/5，清明节",
        title="放假日期",
        year=2027,
    )
    assert errors == []
    assert [number for number, _ in parsed] == [1, 2, 3]
    assert parsed[1][1] == [(day, "春节") for day in span("2027-02-06", "2027-02-14")]
    assert parsed[2][1] == [(d("2027-04-05"), "清明节")]


def test_a_range_that_runs_backwards_or_too_long_is_refused_naming_the_line():
    _, errors = parse_lines(
        "\n2027-02-14 至 2027-02-06 春节\n2027-01-01 至 2027-03-01 春节",
        title="放假日期",
        year=2027,
    )
    assert errors == [
        "放假日期第2行“2027-02-14 至 2027-02-06 春节”的结束日期早于开始日期。",
        "放假日期第3行“2027-01-01 至 2027-03-01 春节”跨越60天，超过31天，请检查。",
    ]


def test_an_impossible_date_is_refused_naming_the_line():
    _, errors = parse_lines("2027-02-30 春节", title="放假日期", year=2027)
    assert errors == ["放假日期第1行“2027-02-30 春节”中的日期不存在。"]


def test_formatting_joins_consecutive_days_of_one_festival_into_a_range():
    entries = [
        (d("2025-10-06"), "中秋节"),
        *[(day, "国庆节") for day in span("2025-10-01", "2025-10-05")],
    ]
    entries.append((d("2025-10-07"), "国庆节"))
    assert (
        format_lines(entries)
        == "2025-10-01 至 2025-10-05 国庆节\n2025-10-06 中秋节\n2025-10-07 国庆节"
    )
    lines, _ = parse_lines(format_lines(entries), title="放假日期", year=2025)
    assert sorted(e for _, days in lines for e in days) == sorted(entries)
