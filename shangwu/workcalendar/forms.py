"""Entering a year's State Council notice, and asking the calendar about a date.

The notice is typed (or pasted) one line per festival, the way the notice reads:

    2027-01-01 元旦
    2027-02-06 至 2027-02-14 春节
"""

from __future__ import annotations

import datetime
import re

from django import forms

from shangwu.core.forms import BaseForm, BaseModelForm
from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.models import YEAR_MAX, YEAR_MIN, CalendarYear
from shangwu.workcalendar.services import WEEKDAY_NAMES

Entries = list[tuple[datetime.date, str]]

# 2027-02-06, 2027/2/6, 2027.2.6 or 2027年2月6日
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LINE = re.compile(rf"^{_DATE}(?:\s*(?:至|到|~|～|—|–|－)\s*{_DATE})?\s*[，,、:：]?\s*(.*)$")
MAX_RANGE_DAYS = 31
EXAMPLE = "“2027-01-01 元旦”或“2027-02-06 至 2027-02-14 春节”"


def _date(year: str, month: str, day: str) -> datetime.date:
    return datetime.date(int(year), int(month), int(day))


def parse_lines(
    text: str, *, title: str, year: int | None
) -> tuple[list[tuple[int, Entries]], list[str]]:
    """Each non-blank line of ``text`` as (line number, [(date, name), …]), and the errors found,
    each naming its line (“放假日期第3行：…”)."""
    parsed: list[tuple[int, Entries]] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        where = f"{title}第{number}行“{line}”"
        match = _LINE.match(line)
        if not match:
            errors.append(f"{where}无法识别，应写作{EXAMPLE}。")
            continue
        groups = match.groups()
        try:
            first = _date(*groups[0:3])
            last = _date(*groups[3:6]) if groups[3] else first
        except ValueError:
            errors.append(f"{where}中的日期不存在。")
            continue
        name = groups[6].strip()
        if not groups[3] and re.match(r"^(至|到|~|～|—|–|－)", name):
            errors.append(f"{where}的结束日期无法识别，应写作{EXAMPLE}。")
        elif last < first:
            errors.append(f"{where}的结束日期早于开始日期。")
        elif (last - first).days >= MAX_RANGE_DAYS:
            errors.append(
                f"{where}跨越{(last - first).days + 1}天，超过{MAX_RANGE_DAYS}天，请检查。"
            )
        elif len(name) > 50:
            errors.append(f"{where}的节日名称超过50个字。")
        elif year is not None and (first.year != year or last.year != year):
            errors.append(f"{where}不在{year}年内。")
        else:
            days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
            parsed.append((number, [(day, name) for day in days]))
    return parsed, errors


def arrangement_runs(entries: Entries) -> list[tuple[datetime.date, datetime.date, str]]:
    """Consecutive dates of one festival as one (first, last, name) run."""
    runs: list[tuple[datetime.date, datetime.date, str]] = []
    for day, name in sorted(entries):
        if runs and runs[-1][2] == name and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day, name)
        else:
            runs.append((day, day, name))
    return runs


def format_lines(entries: Entries) -> str:
    """The inverse of ``parse_lines``: one line per run of a festival."""
    lines = []
    for first, last, name in arrangement_runs(entries):
        text = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
        lines.append(f"{text} {name}".rstrip())
    return "\n".join(lines)


class CalendarYearForm(BaseModelForm):
    """A year's notice. ``cleaned_data["holidays"]`` and ``["workdays"]`` are the (date, name)
    lists ``calendar_year_save`` takes; the view saves through that service."""

    holidays_text = forms.CharField(
        label="放假日期",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "2027-01-01 元旦\n2027-02-06 至 2027-02-14 春节"}
        ),
        help_text="每行一项：日期 节日，或 开始日期 至 结束日期 节日。包括落在周末的放假日。",
    )
    workdays_text = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "2027-02-20 春节"}),
        help_text="每行一项：周六或周日调为上班的日期及对应节日。",
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "notice", "published_on", "note"]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "year": "录入后，该年度以录入内容为准（不再使用内置数据）：未列出的周一至周五为工作日，周六、周日休息。",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].widget.attrs.update({"min": YEAR_MIN, "max": YEAR_MAX})
        if self.instance.pk:
            # The year is the record's identity: entering another year is a new record.
            self.fields["year"].disabled = True
            if not self.is_bound:
                rows = list(self.instance.arrangements.all())
                self.initial.setdefault(
                    "holidays_text",
                    format_lines([(a.date, a.name) for a in rows if a.kind == DayKind.HOLIDAY]),
                )
                self.initial.setdefault(
                    "workdays_text",
                    format_lines([(a.date, a.name) for a in rows if a.kind == DayKind.WORKDAY]),
                )

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        seen: dict[datetime.date, str] = {}
        for field, title, key in (
            ("holidays_text", "放假日期", "holidays"),
            ("workdays_text", "调休上班日期", "workdays"),
        ):
            parsed, errors = parse_lines(cleaned.get(field, ""), title=title, year=year)
            entries: Entries = []
            for number, days in parsed:
                for day, name in days:
                    where = f"{title}第{number}行"
                    if day in seen:
                        errors.append(f"{where}：{day:%Y-%m-%d} 已在{seen[day]}中列出。")
                    elif key == "workdays" and day.weekday() < 5:
                        errors.append(
                            f"{where}：{day:%Y-%m-%d} 是{WEEKDAY_NAMES[day.weekday()]}，本来就是工作日，不必列为调休上班。"
                        )
                    else:
                        seen[day] = f"{title}第{number}行"
                        entries.append((day, name))
            for error in errors:
                self.add_error(field, error)
            cleaned[key] = entries
        return cleaned

    def save(self, commit=True):
        # A year is saved with its dates in one transaction by the service, never half by a form.
        raise NotImplementedError("请通过 calendar_year_save 保存节假日安排。")


class DayCheckForm(BaseForm):
    """“Check a date” on the arrangement list: what is this day, and N working days from it."""

    date = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    days = forms.IntegerField(
        label="加减工作日",
        required=False,
        min_value=-1000,
        max_value=1000,
        help_text="正数向后、负数向前，不含当天。",
    )
    end = forms.DateField(
        label="计至日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="统计日期之后至此日（含）的工作日数。",
    )
