import pytest

from shangwu.workcalendar.services import calendar_cache_clear


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test starts and ends with no compiled year: a year entered in one test's (rolled
    back) transaction must not answer the next test's questions."""
    calendar_cache_clear()
    yield
    calendar_cache_clear()
