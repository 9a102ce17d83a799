"""The one rounding rule (四舍五入) for every percentage and rate."""

from decimal import Decimal

from shangwu.core.numbers import percent, percent_text, ratio, round_half_up


def test_ties_round_half_up_not_to_even():
    assert percent(1, 16) == 6.3  # 6.25; Python's round() gives 6.2
    assert percent(3, 16) == 18.8  # 18.75
    assert percent(5, 16) == 31.3  # 31.25
    assert percent(2, 3) == 66.7 and percent(1, 3) == 33.3
    assert percent(16, 16) == 100.0 and percent(0, 16) == 0.0


def test_no_whole_gives_no_rate():
    assert percent(0, 0) is None and percent(3, None) is None
    assert ratio(5, 0) is None and percent_text(None) == "—"


def test_floats_are_read_as_printed_and_places_are_kept():
    assert round_half_up(2.675, 2) == Decimal("2.68")  # binary 2.67499…; round() gives 2.67
    assert round_half_up(Decimal("0.05"), 1) == Decimal("0.1")
    assert round_half_up(-6.25) == Decimal("-6.3")
    assert ratio(25, 2) == 12.5 and ratio(125, 10000, 2) == 0.01
    assert percent_text(6.25) == "6.3%" and percent_text(100) == "100.0%"
