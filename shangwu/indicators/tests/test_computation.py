"""Every computed column of the 月通报 on a hand-worked table (pure functions, no database)."""

from decimal import Decimal as D

from shangwu.indicators import computation as calc

SPEC = calc.IndicatorSpec(code="X", name="外贸进出口总额", unit="亿元", decimals=1)


def fig(code, cum, prev_cum=None, target=None, month=None, prev_month=None, is_city=False):
    return calc.RegionFigures(
        code=code,
        name=code,
        is_city=is_city,
        month_value=month,
        cumulative=cum,
        prev_month_value=prev_month,
        prev_cumulative=prev_cum,
        target=target,
    )


THIS_MONTH = [
    fig("全市", D("145"), D("120"), D("400"), D("30"), D("25"), is_city=True),
    fig("A", D("50"), D("40"), D("100"), D("12"), D("10")),
    fig("B", D("30"), D("30"), D("80"), D("5"), D("6")),
    fig("C", D("30"), D("24"), D("60"), D("8"), D("8")),
    fig("D", D("20"), None, None, D("4")),
    fig("E", D("10"), D("0"), D("20"), D("1")),
    fig("F", D("5"), D("-2"), D("10"), D("1")),
    calc.RegionFigures(code="G", name="G", target=D("30")),
]
LAST_MONTH = [
    fig("A", D("40"), D("35"), D("100")),
    fig("B", D("25"), D("20"), D("80")),
    fig("C", D("22"), D("20"), D("60")),
]


def rows():
    return {r.code: r for r in calc.bulletin_rows(SPEC, 5, THIS_MONTH, LAST_MONTH)}


def test_month_and_cumulative_growth_are_worked_out_to_one_decimal():
    r = rows()
    assert r["A"].month_growth.text == "20.0"
    assert r["A"].cumulative_growth.text == "25.0"
    assert r["B"].month_growth.text == "-16.7"
    assert r["B"].cumulative_growth.text == "0.0"
    assert r["全市"].cumulative_growth.text == "20.8"


def test_growth_is_a_dash_with_its_reason_when_last_year_is_missing_zero_or_negative():
    r = rows()
    assert (r["D"].cumulative_growth.text, r["D"].cumulative_growth.reason) == (
        "—",
        "上年同期无数据",
    )
    assert (r["E"].cumulative_growth.text, r["E"].cumulative_growth.reason) == ("—", "上年同期为零")
    assert (r["F"].cumulative_growth.text, r["F"].cumulative_growth.reason) == ("—", "上年同期为负")
    assert "累计同比：上年同期为负" in r["F"].notes_text


def test_completion_time_progress_and_ahead_columns():
    r = rows()
    assert r["A"].time_progress_text == "41.7"
    assert r["A"].completion.text == "50.0"
    assert r["A"].ahead_text == "8.3"
    assert r["B"].completion.text == "37.5"
    assert r["B"].ahead_text == "-4.2"
    assert r["全市"].completion.text == "36.3"
    assert (r["D"].completion.text, r["D"].completion.reason) == ("—", "未下达年度目标")


def test_rows_behind_time_progress_are_lagging():
    r = rows()
    assert r["B"].lagging and r["全市"].lagging
    assert not r["A"].lagging and not r["C"].lagging


def test_rank_by_total_shares_ties_and_skips_the_next_rank():
    r = rows()
    assert [r[c].rank_total for c in "ABCDEF"] == [1, 2, 2, 4, 5, 6]
    assert r["全市"].rank_total is None


def test_rank_by_growth_leaves_out_counties_without_a_growth_rate():
    r = rows()
    assert [r[c].rank_growth for c in "ACB"] == [1, 1, 3]
    assert r["D"].rank_growth is None and r["D"].rank_growth_text == "—"


def test_rank_change_against_last_month_shows_as_arrows():
    r = rows()
    assert r["A"].rank_growth_change == 1 and r["A"].rank_growth_change_text == "↑1"
    assert r["C"].rank_growth_change == 2
    assert r["B"].rank_growth_change == -2 and r["B"].rank_growth_change_text == "↓2"
    assert r["D"].rank_growth_change_text == ""


def test_a_county_without_figures_is_flagged_and_not_counted_as_zero():
    r = rows()
    assert r["G"].missing and r["G"].cumulative_text == "—"
    assert r["G"].rank_total is None and r["G"].completion.reason == "本月未报送"
    assert max(x.rank_total or 0 for x in r.values()) == 6


def test_january_has_no_rank_change():
    rows_jan = calc.bulletin_rows(SPEC, 1, THIS_MONTH, LAST_MONTH)
    assert all(r.rank_growth_change is None for r in rows_jan)
    assert rows_jan[0].time_progress_text == "8.3"


def test_indicators_where_lower_is_better_rank_ascending():
    spec = calc.IndicatorSpec(code="Y", name="Y", unit="%", decimals=1, higher_is_better=False)
    out = {r.code: r for r in calc.bulletin_rows(spec, 5, THIS_MONTH[1:4])}
    assert [out[c].rank_total for c in "ABC"] == [3, 1, 1]


def test_the_narrative_quotes_the_numbers_of_the_table():
    r = rows()
    text = calc.region_sentence(SPEC, 5, r["A"])
    assert text == (
        "1—5月，A外贸进出口总额50.0亿元，同比增长25.0%，完成年度目标的50.0%，超时间进度8.3个百分点；"
        "增速居全市第1位，较上月前移1位。"
    )
    text_b = calc.region_sentence(SPEC, 5, r["B"])
    assert (
        "与上年同期持平" in text_b
        and "落后时间进度4.2个百分点" in text_b
        and "较上月后退2位" in text_b
    )


def test_the_indicator_paragraph_names_leaders_laggards_and_missing_counties():
    paragraph = calc.indicator_paragraph(
        SPEC, 5, calc.bulletin_rows(SPEC, 5, THIS_MONTH, LAST_MONTH)
    )
    assert paragraph.startswith(
        "1—5月，全市外贸进出口总额145.0亿元，同比增长20.8%，完成年度目标的36.3%"
    )
    assert "A（25.0%）" in paragraph and "C（25.0%）" in paragraph
    assert "G本月数据未报送，未参与排名" in paragraph


def test_competition_ranks_on_their_own():
    assert calc.competition_ranks({"a": D(3), "b": D(3), "c": D(2), "d": None}) == {
        "a": 1,
        "b": 1,
        "c": 3,
    }


def test_a_county_missing_last_month_does_not_move_anyone_elses_rank():
    # X leads this month but did not report last month: A, B and C keep their order, so their
    # rank change is "→", not "↓1" (their rank among all counties fell only because X is back).
    last = [fig("A", D("40"), D("35")), fig("B", D("25"), D("20")), fig("C", D("22"), D("20"))]
    now = [
        fig("A", D("50"), D("40")),
        fig("B", D("30"), D("30")),
        fig("C", D("25"), D("24")),
        fig("X", D("90"), D("50")),
    ]
    r = {x.code: x for x in calc.bulletin_rows(SPEC, 5, now, last)}
    assert [r[c].rank_total for c in "XABC"] == [1, 2, 3, 4]
    assert [r[c].rank_total_change_text for c in "ABC"] == ["→", "→", "→"]
    assert r["X"].rank_total_change is None and r["X"].rank_total_change_text == "上月未报"
    assert r["X"].rank_growth_change_text == "上月未报"


def test_a_county_missing_this_month_is_shown_as_not_reported_and_moves_nobody():
    last = [
        fig("X", D("90"), D("50")),
        fig("A", D("40"), D("35")),
        fig("B", D("25"), D("20")),
    ]
    now = [
        fig("A", D("50"), D("40")),
        fig("B", D("30"), D("30")),
        calc.RegionFigures(code="X", name="X"),
    ]
    r = {x.code: x for x in calc.bulletin_rows(SPEC, 5, now, last)}
    assert r["X"].rank_total_change_text == "未报" and r["X"].rank_growth_change_text == "未报"
    # Without X, A and B were 1st and 2nd last month too: no one moved up.
    assert r["A"].rank_total_change == 0 and r["B"].rank_total_change == 0
    # By growth A (25%) now passes B (0%); last month B (25%) led A (14.3%).
    assert r["A"].rank_growth_change_text == "↑1" and r["B"].rank_growth_change_text == "↓1"
