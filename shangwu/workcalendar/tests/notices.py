"""The State Council notices (国务院办公厅关于部分节假日安排的通知), written out by hand from the
notices themselves, not from chinesecalendar: the tests check the package and our service
against the published text."""

import datetime


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def span(first: str, last: str) -> list[datetime.date]:
    a, b = d(first), d(last)
    return [a + datetime.timedelta(days=n) for n in range((b - a).days + 1)]


# 国办发明电〔2023〕7号 关于2024年部分节假日安排的通知
NOTICE_2024 = {
    "holidays": {
        "元旦": [d("2024-01-01")],
        "春节": span("2024-02-10", "2024-02-17"),
        "清明节": span("2024-04-04", "2024-04-06"),
        "劳动节": span("2024-05-01", "2024-05-05"),
        "端午节": [d("2024-06-10")],
        "中秋节": span("2024-09-15", "2024-09-17"),
        "国庆节": span("2024-10-01", "2024-10-07"),
    },
    "workdays": {
        "春节": [d("2024-02-04"), d("2024-02-18")],
        "清明节": [d("2024-04-07")],
        "劳动节": [d("2024-04-28"), d("2024-05-11")],
        "中秋节": [d("2024-09-14")],
        "国庆节": [d("2024-09-29"), d("2024-10-12")],
    },
}

# 国办发明电〔2024〕12号 关于2025年部分节假日安排的通知 (春节、劳动节 each one day longer)
NOTICE_2025 = {
    "holidays": {
        "元旦": [d("2025-01-01")],
        "春节": span("2025-01-28", "2025-02-04"),
        "清明节": span("2025-04-04", "2025-04-06"),
        "劳动节": span("2025-05-01", "2025-05-05"),
        "端午节": span("2025-05-31", "2025-06-02"),
        # 国庆节、中秋节 together, 10月1日至8日 (中秋 falls on 10月6日).
        "国庆节": span("2025-10-01", "2025-10-08"),
    },
    "workdays": {
        "春节": [d("2025-01-26"), d("2025-02-08")],
        "劳动节": [d("2025-04-27")],
        "国庆节": [d("2025-09-28"), d("2025-10-11")],
    },
}

# 国办发明电〔2025〕7号 关于2026年部分节假日安排的通知
NOTICE_2026 = {
    "holidays": {
        "元旦": span("2026-01-01", "2026-01-03"),
        "春节": span("2026-02-15", "2026-02-23"),
        "清明节": span("2026-04-04", "2026-04-06"),
        "劳动节": span("2026-05-01", "2026-05-05"),
        "端午节": span("2026-06-19", "2026-06-21"),
        "中秋节": span("2026-09-25", "2026-09-27"),
        "国庆节": span("2026-10-01", "2026-10-07"),
    },
    "workdays": {
        "元旦": [d("2026-01-04")],
        "春节": [d("2026-02-14"), d("2026-02-28")],
        "劳动节": [d("2026-05-09")],
        "国庆节": [d("2026-09-20"), d("2026-10-10")],
    },
}

NOTICES = {2024: NOTICE_2024, 2025: NOTICE_2025, 2026: NOTICE_2026}


def holidays_of(year: int) -> set[datetime.date]:
    return {day for days in NOTICES[year]["holidays"].values() for day in days}


def makeup_workdays_of(year: int) -> set[datetime.date]:
    return {day for days in NOTICES[year]["workdays"].values() for day in days}


def working_days_of(year: int) -> list[datetime.date]:
    """Every working day of the year by the notice: weekdays that are not holidays, plus 调休."""
    days = span(f"{year}-01-01", f"{year}-12-31")
    off, on = holidays_of(year), makeup_workdays_of(year)
    return [day for day in days if day in on or (day.weekday() < 5 and day not in off)]
