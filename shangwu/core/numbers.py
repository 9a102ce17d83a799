"""The one rounding rule for every percentage and rate on the platform: 四舍五入 (half up).

Python's ``round()`` rounds half to even and works on binary floats (``round(6.25, 1)`` is 6.2),
while the bureau's spreadsheets and reports round half up (1/16 = 6.25 % → 6.3 %). Every
percentage and rate, on pages, exports, bulletins and the API, goes through this module.
"""

from decimal import ROUND_HALF_UP, Decimal

PERCENT_PLACES = 1


def round_half_up(value, places: int = PERCENT_PLACES) -> Decimal | None:
    """``value`` rounded half up to ``places`` decimals as a Decimal, or None. Floats are read
    through ``str`` so that 6.25 stays 6.25 rather than 6.2499999…"""
    if value is None:
        return None
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ratio(part, whole, places: int = PERCENT_PLACES) -> float | None:
    """``part / whole`` rounded half up (an average such as 平均办理工作日), or None when
    ``whole`` is zero or missing. Computed exactly in Decimal, returned as a float."""
    if not whole or part is None:
        return None
    return float(round_half_up(Decimal(part) / Decimal(whole), places))


def percent(part, whole, places: int = PERCENT_PLACES) -> float | None:
    """``part / whole`` in percent, rounded half up (1/16 → 6.3), or None when ``whole`` is 0."""
    if not whole or part is None:
        return None
    return float(round_half_up(Decimal(part) * 100 / Decimal(whole), places))


def percent_text(value, places: int = PERCENT_PLACES, dash: str = "—") -> str:
    """A percentage as pages print it ("6.3%"), or ``dash``."""
    if value is None:
        return dash
    return f"{round_half_up(value, places):.{places}f}%"
