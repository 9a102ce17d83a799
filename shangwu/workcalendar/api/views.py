from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet
from shangwu.workcalendar import services
from shangwu.workcalendar.api.serializers import (
    CalendarYearSerializer,
    DayInfoSerializer,
    DayQuerySerializer,
)
from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.filtersets import CalendarYearFilterSet
from shangwu.workcalendar.models import CalendarYear


def _entries(items):
    return [(item["date"], item.get("name", "")) for item in items]


class CalendarYearViewSet(BaseViewSet):
    """Entered years (系统管理员 writes, everyone with 基础配置 view reads), and ``day/``: the
    calendar's answer for one date, with optional ``days`` to add and ``end`` to count to."""

    queryset = CalendarYear.objects.prefetch_related("arrangements")
    serializer_class = CalendarYearSerializer
    filterset_class = CalendarYearFilterSet

    def create_object(self, data):
        return services.calendar_year_save(
            year=data["year"],
            notice=data.get("notice", ""),
            published_on=data.get("published_on"),
            note=data.get("note", ""),
            holidays=_entries(data.get("holidays", [])),
            workdays=_entries(data.get("workdays", [])),
            actor=self.request.user,
        )

    def update_object(self, instance, data):
        current = list(instance.arrangements.all())
        keep = {
            kind: [(a.date, a.name) for a in current if a.kind == kind]
            for kind in (DayKind.HOLIDAY, DayKind.WORKDAY)
        }
        return services.calendar_year_save(
            year=instance.year,
            notice=data.get("notice", instance.notice),
            published_on=data.get("published_on", instance.published_on),
            note=data.get("note", instance.note),
            holidays=_entries(data["holidays"]) if "holidays" in data else keep[DayKind.HOLIDAY],
            workdays=_entries(data["workdays"]) if "workdays" in data else keep[DayKind.WORKDAY],
            actor=self.request.user,
        )

    def perform_create(self, serializer):
        super().perform_create(serializer)
        # The response reads the dates just written, not a stale prefetch.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = CalendarYear.objects.prefetch_related("arrangements").get(
            pk=serializer.instance.pk
        )

    @extend_schema(
        parameters=[DayQuerySerializer],
        responses=inline_serializer(
            "WorkdayAnswer",
            {
                "day": DayInfoSerializer(),
                "added": serializers.DateField(
                    required=False, help_text="date 之后（days 为负则之前）第 days 个工作日"
                ),
                "between": serializers.IntegerField(
                    required=False, help_text="date 之后至 end（含）的工作日数"
                ),
                "provisional_years": serializers.ListField(
                    child=serializers.IntegerField(),
                    help_text="结果所依据、尚未录入放假安排的年度（暂定，按法定节假日和周末推算）",
                ),
            },
        ),
    )
    @action(detail=False, methods=["get"], url_path="day")
    def day(self, request):
        """GET /api/calendar-years/day/?date=2025-09-30&days=7 → 2025-10-16 (不含起始日)."""
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day, days, end = (query.validated_data.get(k) for k in ("date", "days", "end"))
        try:
            answer = {"day": DayInfoSerializer(services.day_info(day, provisional=True)).data}
            years = set(services.span_provisional_years(day, day))
            if days is not None:
                answer["added"] = services.workdays_add(start=day, days=days, provisional=True)
                years |= set(services.span_provisional_years(day, answer["added"]))
            if end is not None:
                answer["between"] = services.workdays_between(start=day, end=end, provisional=True)
                years |= set(services.span_provisional_years(day, end))
            # The years the answer rests on that nobody has entered yet (暂定).
            answer["provisional_years"] = sorted(years)
        except services.CalendarYearUnknown as exc:
            raise serializers.ValidationError({"date": [str(exc)]}) from exc
        return Response(answer)


def router_register(router):
    router.register("calendar-years", CalendarYearViewSet)
