from django.db.models import Q

from shangwu.core.filtersets import BaseFilterSet, YearFilter
from shangwu.core.periods import YEAR_MAX, YEAR_MIN
from shangwu.workcalendar.models import CalendarYear


class CalendarYearFilterSet(BaseFilterSet):
    search_fields = ("notice", "note")
    year = YearFilter(label="年度")

    class Meta:
        model = CalendarYear
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        value = value.strip().removesuffix("年")
        if value.isascii() and value.isdigit() and YEAR_MIN <= int(value) <= YEAR_MAX:
            # “2027” finds the year itself as well as notices that mention it.
            return queryset.filter(
                Q(year=int(value)) | Q(notice__icontains=value) | Q(note__icontains=value)
            )
        return super().search(queryset, name, value)
