from rest_framework import serializers

from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.models import CalendarYear


class DayEntrySerializer(serializers.Serializer):
    date = serializers.DateField(label="日期")
    name = serializers.CharField(
        label="节日", max_length=50, allow_blank=True, required=False, default=""
    )


class ArrangementListField(serializers.ListField):
    """A year's 放假 or 调休上班 dates as [{date, name}], read from the prefetched arrangements."""

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        super().__init__(child=DayEntrySerializer(), **kwargs)

    def get_attribute(self, instance):
        return [
            {"date": a.date, "name": a.name}
            for a in instance.arrangements.all()
            if a.kind == self.kind
        ]


class CalendarYearSerializer(serializers.ModelSerializer):
    holidays = ArrangementListField(kind=DayKind.HOLIDAY, label="放假日期", required=False)
    workdays = ArrangementListField(kind=DayKind.WORKDAY, label="调休上班日期", required=False)

    class Meta:
        model = CalendarYear
        fields = [
            "id",
            "year",
            "notice",
            "published_on",
            "note",
            "holidays",
            "workdays",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate_year(self, value):
        if self.instance is not None and value != self.instance.year:
            raise serializers.ValidationError("年度不能修改；请新增另一年度。")
        return value


class DayInfoSerializer(serializers.Serializer):
    date = serializers.DateField(label="日期")
    weekday = serializers.CharField(source="weekday_name", label="星期")
    is_workday = serializers.BooleanField(label="是否工作日")
    label = serializers.CharField(label="类型")
    holiday = serializers.CharField(label="节日")
    text = serializers.CharField(label="说明")
    source = serializers.CharField(label="依据")
    provisional = serializers.BooleanField(label="暂定（当年放假安排尚未录入）")


class DayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(label="日期")
    days = serializers.IntegerField(
        label="加减工作日", required=False, min_value=-10000, max_value=10000
    )
    end = serializers.DateField(label="计至日期", required=False)
