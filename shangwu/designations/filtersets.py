import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shangwu.core.filtersets import (
    BaseFilterSet,
    VocabularyFilterSet,
    YearFilter,
    county_filter,
    township_filter,
)
from shangwu.designations.choices import (
    PIPELINE_STATUSES,
    DesignationLevel,
    DesignationStatus,
    FundSource,
    HolderType,
    MilestoneKind,
)
from shangwu.designations.models import (
    Designation,
    DesignationKind,
    ProgrammeFund,
    ProgrammeMilestone,
)
from shangwu.organization.models import OrgUnit

DATE_FILTERS = (
    "current_on",
    "awarded_from",
    "awarded_to",
    "recommended_from",
    "recommended_to",
    "review_from",
    "review_to",
)


@extend_schema_field(OpenApiTypes.INT)
class ResponsibleUnitFilter(django_filters.ModelChoiceFilter):
    """A unit's id; typed for the OpenAPI schema, which cannot infer it from a method filter."""


class DesignationFilterSet(BaseFilterSet):
    """One FilterSet for the list, the cultivation list, the matrix, the export, the API and every
    ``designations.`` figure (``current_on``: held on that day, computed against it)."""

    kind = django_filters.ModelChoiceFilter(
        queryset=DesignationKind.objects.all(), label="荣誉/示范类型"
    )
    level = django_filters.ChoiceFilter(
        field_name="kind__level", choices=DesignationLevel.choices, label="级别"
    )
    status = django_filters.ChoiceFilter(choices=DesignationStatus.choices, label="状态")
    county = county_filter(null_label="（全市）")
    township = township_filter()
    awarded_year = YearFilter(field_name="awarded_on", lookup_expr="year", label="认定年度")
    holder_type = django_filters.ChoiceFilter(choices=HolderType.choices, label="认定对象类型")
    current = django_filters.BooleanFilter(method="filter_current", label="当前有效")
    current_on = django_filters.DateFilter(method="filter_current_on", label="在此日期有效")
    pipeline = django_filters.BooleanFilter(
        method="filter_pipeline", label="培育中（培育/申报/推荐）"
    )
    responsible_unit = ResponsibleUnitFilter(
        queryset=OrgUnit.objects.filter(is_active=True),
        method="filter_responsible_unit",
        label="责任单位",
    )
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label="企业")
    funded = django_filters.BooleanFilter(field_name="kind__carries_funds", label="有资金支持")
    awarded_from = django_filters.DateFilter(
        field_name="awarded_on", lookup_expr="gte", label="认定日期自"
    )
    awarded_to = django_filters.DateFilter(
        field_name="awarded_on", lookup_expr="lte", label="认定日期至"
    )
    recommended_from = django_filters.DateFilter(
        field_name="recommended_on", lookup_expr="gte", label="推荐日期自"
    )
    recommended_to = django_filters.DateFilter(
        field_name="recommended_on", lookup_expr="lte", label="推荐日期至"
    )
    review_from = django_filters.DateFilter(
        field_name="next_review_on", lookup_expr="gte", label="复核日期自"
    )
    review_to = django_filters.DateFilter(
        field_name="next_review_on", lookup_expr="lte", label="复核日期至"
    )

    figure_none_params = {"county": {"county": "null"}}
    visible = (
        "q",
        "kind",
        "level",
        "status",
        "county",
        "awarded_year",
        "holder_type",
        "current",
        "review_from",
        "review_to",
    )

    class Meta:
        model = Designation
        fields = [
            "q",
            "kind",
            "level",
            "status",
            "county",
            "township",
            "awarded_year",
            "holder_type",
            "current",
            "current_on",
            "pipeline",
            "responsible_unit",
            "enterprise",
            "funded",
            *DATE_FILTERS[1:],
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for name, field in self.form.fields.items():
            if name not in self.visible:
                field.widget = forms.HiddenInput()
        for name in ("review_from", "review_to"):
            self.form.fields[name].widget.input_type = "date"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(holder_name__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(award_doc__icontains=value)
        )

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        held = Designation.objects.current(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=held) if value else queryset.exclude(pk__in=held)

    def filter_current_on(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=Designation.objects.current(value).values("pk"))

    def filter_responsible_unit(self, queryset, name, value):
        """Responsible now (the open DesignationResponsibility), as the 培育名单 counts."""
        return queryset.responsible_unit_is(value) if value else queryset

    def filter_pipeline(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=PIPELINE_STATUSES)
        return queryset.exclude(status__in=PIPELINE_STATUSES)


class ProgrammeFundFilterSet(BaseFilterSet):
    designation = django_filters.NumberFilter(field_name="designation_id", label="荣誉认定")
    source = django_filters.ChoiceFilter(choices=FundSource.choices, label="资金来源")
    year = YearFilter(label="年度")
    year_from = YearFilter(field_name="year", lookup_expr="gte", label="年度自")
    year_to = YearFilter(field_name="year", lookup_expr="lte", label="年度至")
    county = county_filter(field_name="designation__county", null_label="（全市）")
    township = township_filter(field_name="designation__township")

    class Meta:
        model = ProgrammeFund
        fields = [
            "q",
            "designation",
            "source",
            "year",
            "year_from",
            "year_to",
            "county",
            "township",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(designation__name__icontains=value) if value else queryset


class ProgrammeMilestoneFilterSet(BaseFilterSet):
    designation = django_filters.NumberFilter(field_name="designation_id", label="荣誉认定")
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label="节点")
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="计划日期自")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="计划日期至")
    done = django_filters.BooleanFilter(
        field_name="done_on", lookup_expr="isnull", exclude=True, label="已完成"
    )
    on_time = django_filters.BooleanFilter(method="filter_on_time", label="按期完成")
    light = django_filters.ChoiceFilter(
        method="filter_light",
        choices=[
            ("red", "红灯（逾期未完成）"),
            ("yellow", "黄灯（30天内到期）"),
            ("green", "绿灯"),
        ],
        label="灯",
    )
    county = county_filter(field_name="designation__county", null_label="（全市）")
    township = township_filter(field_name="designation__township")

    class Meta:
        model = ProgrammeMilestone
        fields = [
            "q",
            "designation",
            "kind",
            "due_from",
            "due_to",
            "done",
            "on_time",
            "light",
            "county",
            "township",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(designation__name__icontains=value) if value else queryset

    def filter_light(self, queryset, name, value):
        """The rule of ``ProgrammeMilestone.light_at`` as a query: red undone past its due day,
        yellow undone within ``MILESTONE_WARNING_DAYS`` of it, green the rest."""
        import datetime

        from shangwu.designations.models import MILESTONE_WARNING_DAYS

        today = timezone.localdate()
        undone = Q(done_on__isnull=True)
        red = undone & Q(due_on__lt=today)
        yellow = undone & Q(
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=MILESTONE_WARNING_DAYS),
        )
        if value == "red":
            return queryset.filter(red)
        if value == "yellow":
            return queryset.filter(yellow)
        if value == "green":
            return queryset.exclude(red | yellow)
        return queryset

    def filter_on_time(self, queryset, name, value):
        from django.db.models import F

        if value is None:
            return queryset
        on_time = Q(done_on__isnull=False, done_on__lte=F("due_on"))
        return queryset.filter(on_time) if value else queryset.exclude(on_time)


class DesignationKindFilterSet(VocabularyFilterSet):
    level = django_filters.ChoiceFilter(choices=DesignationLevel.choices, label="级别")

    class Meta:
        model = DesignationKind
        fields = ["q", "is_active", "level", "carries_funds"]
