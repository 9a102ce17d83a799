"""``shangwu workdays``: ask the working-day calendar from the shell.

shangwu workdays 2025-10-11              2025-10-11 星期六 工作日（调休上班）
shangwu workdays 2025-09-30 +7           2025-10-16
shangwu workdays 2025-09-30 -3           2025-09-26
shangwu workdays 2025-10-01 2025-10-31   18
shangwu workdays 2027-01-04 +3           2027-01-07, and (2027 not entered yet) a line saying the
                                         answer is provisional (暂定), naming the year
"""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError

from shangwu.workcalendar.services import (
    CalendarYearUnknown,
    day_info,
    provisional_notice,
    span_provisional_years,
    workdays_add,
    workdays_between,
)

OFFSET = re.compile(r"^[+-]?\d{1,6}$")


def parse_date(value: str, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"{what}“{value}”不是有效日期，应为 YYYY-MM-DD，例如 2025-09-30。"
        ) from None


class Command(BaseCommand):
    help = (
        "查询工作日：一个日期显示是否工作日；日期加 +N/-N 显示之后/之前第 N 个工作日"
        "（不含起始日）；两个日期显示其间（不含起始日、含结束日）的工作日天数。"
    )

    def add_arguments(self, parser):
        parser.add_argument("date", help="日期，YYYY-MM-DD")
        parser.add_argument("second", nargs="?", help="+N / -N（工作日数），或结束日期 YYYY-MM-DD")

    def handle(self, *args, date, second=None, **options):
        start = parse_date(date, "日期")
        try:
            if second is None:
                info = day_info(start, provisional=True)
                text = f"{info.text}（暂定）" if info.provisional else info.text
                self.stdout.write(f"{start:%Y-%m-%d} {info.weekday_name} {text}")
                end = start
            elif OFFSET.match(second.strip()):
                end = workdays_add(start=start, days=int(second.strip()), provisional=True)
                self.stdout.write(f"{end:%Y-%m-%d}")
            else:
                if not re.match(r"^\d{4}-", second.strip()):
                    raise CommandError(
                        f"第二个参数“{second}”应为 +N、-N（工作日数）或结束日期 YYYY-MM-DD。"
                    )
                end = parse_date(second, "结束日期")
                if end < start:
                    raise CommandError(
                        f"结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}，"
                        f"请把较早的日期写在前面。"
                    )
                self.stdout.write(str(workdays_between(start=start, end=end, provisional=True)))
            # Every year the answer rests on that nobody has entered yet is named.
            for year in span_provisional_years(start, end):
                self.stdout.write(provisional_notice(year))
        except CalendarYearUnknown as exc:
            raise CommandError(str(exc)) from exc
