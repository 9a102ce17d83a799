from shangwu.core.tables import Column, Table
from shangwu.workcalendar.models import CalendarYear


class CalendarYearTable(Table):
    """Rows come annotated with ``holiday_count`` and ``workday_count`` (CalendarYearListView)."""

    model = CalendarYear
    columns = [
        Column("year", linkify=True),
        Column("notice", linkify=True),
        Column("published_on"),
        Column("holiday_count", "放假天数"),
        Column("workday_count", "调休上班天数"),
    ]
