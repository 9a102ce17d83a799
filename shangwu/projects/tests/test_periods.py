"""Reporting periods (shangwu.core.periods): ranges, membership at the edges, labels."""

import datetime

import pytest

from shangwu.core.periods import (
    MONTH,
    QUARTER,
    YEAR,
    Period,
    cumulative_label,
    period_range,
    quarter_of,
    ytd_range,
)

D = datetime.date


def test_a_date_on_the_last_day_of_march_is_in_the_first_quarter_and_april_first_in_the_second():
    assert quarter_of(D(2025, 3, 31)) == (2025, 1)
    assert quarter_of(D(2025, 4, 1)) == (2025, 2)
    assert Period(QUARTER, 2025, 1).contains(D(2025, 3, 31))
    assert not Period(QUARTER, 2025, 1).contains(D(2025, 4, 1))
    assert Period(QUARTER, 2025, 2).contains(D(2025, 4, 1))


def test_ranges_include_both_ends():
    assert period_range(QUARTER, 2025, 4) == (D(2025, 10, 1), D(2025, 12, 31))
    assert period_range(MONTH, 2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert period_range(YEAR, 2025) == (D(2025, 1, 1), D(2025, 12, 31))
    assert ytd_range(2025, 5) == (D(2025, 1, 1), D(2025, 5, 31))


def test_labels_read_as_the_bureau_writes_them():
    assert Period(QUARTER, 2025, 1).label == "2025年第1季度"
    assert Period(MONTH, 2025, 5).label == "2025年5月"
    assert Period(YEAR, 2025).label == "2025年"
    assert cumulative_label(5) == "1—5月"
    assert cumulative_label(1) == "1月"


def test_shifting_crosses_year_boundaries_and_last_lists_oldest_first():
    q = Period(QUARTER, 2026, 1)
    assert q.shift(-1) == Period(QUARTER, 2025, 4)
    assert Period(MONTH, 2025, 12).shift(1) == Period(MONTH, 2026, 1)
    assert [p.short_label for p in Period(QUARTER, 2026, 4).last(8)][:2] == ["2025Q1", "2025Q2"]


@pytest.mark.parametrize("kind, number", [(QUARTER, 5), (MONTH, 13), ("week", 1)])
def test_impossible_periods_are_refused_with_a_message(kind, number):
    with pytest.raises(ValueError):
        Period(kind, 2025, number)
