"""One FilterSet per model: the list, the export, the API and the figures' drill-downs."""

import django_filters
from django.db.models import Q
from django.forms import HiddenInput
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shangwu.core.filtersets import (
    BaseFilterSet,
    VocabularyFilterSet,
    YearFilter,
    county_filter,
    township_filter,
)
from shangwu.inspections.choices import (
    ChecklistStatus,
    HazardStatus,
    Holiday,
    InspectionOutcome,
    InspectionStatus,
    LicenceStatus,
    PlanMethod,
    PlanStatus,
    Severity,
    SiteType,
)
from shangwu.inspections.models import (
    Checklist,
    Hazard,
    Inspection,
    InspectionKind,
    Inspector,
    Plan,
    RectificationRule,
    Site,
)


@extend_schema_field(OpenApiTypes.INT)
class KindFilter(django_filters.ModelChoiceFilter):
    """An inspection kind by id, filtering by what the kind's tag makes a subject."""


class SiteFilterSet(BaseFilterSet):
    search_fields = ("name", "address", "licence_no", "enterprise__name")

    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label="企业", widget=HiddenInput
    )
    site_type = django_filters.ChoiceFilter(choices=SiteType.choices, label="场所类型")
    tag = django_filters.CharFilter(method="filter_tag", label="企业标签代码")
    kind = KindFilter(queryset=InspectionKind.objects.all(), method="filter_kind", label="检查类型")
    county = county_filter()
    township = township_filter()
    licence_status = django_filters.ChoiceFilter(choices=LicenceStatus.choices, label="许可状态")
    licence_until = django_filters.DateFilter(
        field_name="licence_valid_until", lookup_expr="lte", label="许可证有效期至（不晚于）"
    )
    is_active = django_filters.BooleanFilter(label="在营")
    # §7 coverage drill-downs: a plan's subjects, and whether a site was inspected (a submitted
    # inspection of the chosen kind, plan and dates).
    plan = django_filters.NumberFilter(method="filter_plan", label="检查计划", widget=HiddenInput)
    inspected = django_filters.BooleanFilter(method="filter_inspected", label="已检查")
    inspected_from = django_filters.DateFilter(method="filter_noop", label="检查日期自")
    inspected_to = django_filters.DateFilter(method="filter_noop", label="检查日期至")

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_plan(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(targets__plan_id=value, targets__is_active=True)

    def filter_inspected(self, queryset, name, value):
        if value is None:
            return queryset
        data = self.form.cleaned_data
        done = Inspection.objects.filter(status=InspectionStatus.SUBMITTED)
        if data.get("kind") is not None:
            done = done.filter(kind=data["kind"])
        if data.get("plan") is not None:
            done = done.filter(plan_id=data["plan"])
        if data.get("inspected_from"):
            done = done.filter(inspected_on__gte=data["inspected_from"])
        if data.get("inspected_to"):
            done = done.filter(inspected_on__lte=data["inspected_to"])
        ids = done.values("site_id")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    class Meta:
        model = Site
        fields = [
            "q",
            "kind",
            "site_type",
            "tag",
            "county",
            "township",
            "licence_status",
            "licence_until",
            "is_active",
            "enterprise",
            "plan",
            "inspected",
            "inspected_from",
            "inspected_to",
        ]

    def filter_tag(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__tags__code=value).distinct() if value else queryset

    def filter_kind(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            pk__in=Site.objects.filter(enterprise__tags__code=value.tag_code).values("pk")
        )


class InspectorFilterSet(BaseFilterSet):
    search_fields = ("cert_no", "user__name", "user__username")

    county = county_filter(null_label="（市局）")
    is_active = django_filters.BooleanFilter(label="在岗")

    class Meta:
        model = Inspector
        fields = ["q", "county", "is_active"]


class InspectionKindFilterSet(VocabularyFilterSet):
    class Meta:
        model = InspectionKind
        fields = ["q", "is_active", "site_type"]


class ChecklistFilterSet(BaseFilterSet):
    search_fields = ("title", "note")

    kind = django_filters.ModelChoiceFilter(queryset=InspectionKind.objects.all(), label="检查类型")
    status = django_filters.ChoiceFilter(choices=ChecklistStatus.choices, label="状态")

    class Meta:
        model = Checklist
        fields = ["q", "kind", "status"]


class RectificationRuleFilterSet(BaseFilterSet):
    class Meta:
        model = RectificationRule
        fields = ["q", "severity"]

    def search(self, queryset, name, value):
        return queryset


class PlanFilterSet(BaseFilterSet):
    search_fields = ("name", "note")

    kind = django_filters.ModelChoiceFilter(queryset=InspectionKind.objects.all(), label="检查类型")
    method = django_filters.ChoiceFilter(choices=PlanMethod.choices, label="检查方式")
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label="状态")
    holiday = django_filters.ChoiceFilter(choices=Holiday.choices[1:], label="节前检查")
    year = YearFilter(field_name="start_on", lookup_expr="year", label="年度")
    county = county_filter(null_label="（全市）")
    township = township_filter()
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label="已公开"
    )

    class Meta:
        model = Plan
        fields = ["q", "kind", "method", "status", "holiday", "year", "county", "township"]


class InspectionFilterSet(BaseFilterSet):
    search_fields = ("site__name", "site__enterprise__name", "note")

    plan = django_filters.NumberFilter(field_name="plan_id", label="检查计划", widget=HiddenInput)
    site = django_filters.NumberFilter(field_name="site_id", label="场所", widget=HiddenInput)
    kind = django_filters.ModelChoiceFilter(queryset=InspectionKind.objects.all(), label="检查类型")
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label="状态")
    outcome = django_filters.ChoiceFilter(choices=InspectionOutcome.choices, label="检查结果")
    county = county_filter()
    township = township_filter()
    inspected_from = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label="检查日期自"
    )
    inspected_to = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="lte", label="检查日期至"
    )
    year = YearFilter(field_name="inspected_on", lookup_expr="year", label="年度")
    mine = django_filters.BooleanFilter(method="filter_mine", label="我参加的")

    class Meta:
        model = Inspection
        fields = [
            "q",
            "kind",
            "status",
            "outcome",
            "county",
            "township",
            "inspected_from",
            "inspected_to",
            "year",
            "plan",
            "site",
            "mine",
        ]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        mine = Q(inspectors=user) | Q(created_by=user)
        ids = Inspection.objects.filter(mine).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class HazardFilterSet(BaseFilterSet):
    search_fields = ("description", "site__name", "responsible_person")

    inspection = django_filters.NumberFilter(
        field_name="inspection_id", label="检查记录", widget=HiddenInput
    )
    site = django_filters.NumberFilter(field_name="site_id", label="场所", widget=HiddenInput)
    plan = django_filters.NumberFilter(
        field_name="inspection__plan_id", label="检查计划", widget=HiddenInput
    )
    kind = django_filters.ModelChoiceFilter(
        field_name="inspection__kind", queryset=InspectionKind.objects.all(), label="检查类型"
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label="隐患等级")
    status = django_filters.ChoiceFilter(choices=HazardStatus.choices, label="整改状态")
    county = county_filter()
    township = township_filter()
    found_from = django_filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label="发现日期自"
    )
    found_to = django_filters.DateFilter(
        field_name="found_on", lookup_expr="lte", label="发现日期至"
    )
    deadline_to = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label="整改期限至"
    )
    # §6: the cases' lights (绿/黄/红) as a filter; ``on_time``/``major_open`` are §7's drill-downs.
    light = django_filters.ChoiceFilter(
        choices=[("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")],
        method="filter_light",
        label="预警灯",
    )
    on_time = django_filters.BooleanFilter(method="filter_on_time", label="按期整改")
    open = django_filters.BooleanFilter(method="filter_open", label="未销号（整改中/待复查）")
    year = django_filters.NumberFilter(field_name="found_on__year", label="发现年度")

    def filter_light(self, queryset, name, value):
        from shangwu.inspections.rectification import hazard_light_q

        return queryset.filter(hazard_light_q(value)) if value else queryset

    def filter_on_time(self, queryset, name, value):
        from shangwu.inspections.rectification import rectified_on_time_q

        if value is None:
            return queryset
        return (
            queryset.filter(rectified_on_time_q())
            if value
            else queryset.exclude(rectified_on_time_q())
        )

    def filter_open(self, queryset, name, value):
        from shangwu.inspections.rectification import OPEN_HAZARD_STATUSES

        if value is None:
            return queryset
        q = Q(status__in=OPEN_HAZARD_STATUSES)
        return queryset.filter(q) if value else queryset.exclude(q)

    class Meta:
        model = Hazard
        fields = [
            "q",
            "kind",
            "severity",
            "status",
            "county",
            "township",
            "found_from",
            "found_to",
            "deadline_to",
            "light",
            "inspection",
            "site",
            "plan",
            "on_time",
            "open",
            "year",
        ]
