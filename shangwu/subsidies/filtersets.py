import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from shangwu.core.filtersets import BaseFilterSet, county_filter, pure_sql, township_filter
from shangwu.subsidies.choices import (
    APPROVED_STATUSES,
    OPEN_STATUSES,
    ApplicationStatus,
    ProductCategory,
    ProgrammeKind,
    ProgrammeStatus,
)
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

LIGHTS = [("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")]
# No deadline is earlier: the lower bound of "overdue" (as the cases' ``overdue_q``).
from shangwu.cases.deadlines import CLOCK_EPOCH, warning_period  # noqa: E402


def light_q(light: str, now=None) -> Q:
    """The applications whose light is ``light`` at ``now``: the rule of ``light_for`` (the
    cases' contract) as a filter the (status, next_deadline_at) index answers."""
    now = now or timezone.now()
    red = Q(status__in=OPEN_STATUSES, next_deadline_at__gte=CLOCK_EPOCH, next_deadline_at__lt=now)
    yellow = Q(
        status__in=OPEN_STATUSES,
        next_deadline_at__gte=now,
        next_deadline_at__lt=now + warning_period(),
    )
    return {"red": red, "yellow": yellow}.get(light) or ~(red | yellow)


class SubsidyApplicationFilterSet(BaseFilterSet):
    """One FilterSet for the list, the export, the API and every ``subsidies.`` figure."""

    search_fields = ("number", "dealer__name", "dealer_unmatched_name")
    programme = django_filters.ModelChoiceFilter(
        queryset=SubsidyProgramme.objects.all(), label="补贴项目"
    )
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label="状态")
    approved = django_filters.BooleanFilter(method="filter_approved", label="审核通过")
    category = django_filters.ChoiceFilter(choices=ProductCategory.choices, label="品类")
    county = county_filter()
    township = township_filter()
    light = django_filters.ChoiceFilter(choices=LIGHTS, method="filter_light", label="预警灯")
    dealer_unmatched = django_filters.BooleanFilter(
        method="filter_dealer_unmatched", label="经销商待匹配企业库"
    )
    accepted_from = django_filters.DateFilter(
        field_name="accepted_on", lookup_expr="gte", label="受理日期自"
    )
    accepted_to = django_filters.DateFilter(
        field_name="accepted_on", lookup_expr="lte", label="受理日期至"
    )
    paid_from = django_filters.DateFilter(
        field_name="paid_on", lookup_expr="gte", label="拨付日期自"
    )
    paid_to = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte", label="拨付日期至")

    visible = (
        "q",
        "programme",
        "status",
        "category",
        "county",
        "light",
        "dealer_unmatched",
        "accepted_from",
        "accepted_to",
    )

    class Meta:
        model = SubsidyApplication
        fields = [
            "q",
            "programme",
            "status",
            "approved",
            "category",
            "county",
            "township",
            "light",
            "dealer_unmatched",
            "accepted_from",
            "accepted_to",
            "paid_from",
            "paid_to",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for name, field in self.form.fields.items():
            if name not in self.visible:
                field.widget = forms.HiddenInput()
        for name in ("accepted_from", "accepted_to", "paid_from", "paid_to"):
            self.form.fields[name].widget.input_type = "date"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The applicant by full name or full ID number only (personal data: no partial match).
        return queryset.filter(
            Q(number__icontains=value)
            | Q(dealer__name__icontains=value)
            | Q(dealer_unmatched_name__icontains=value)
            | Q(applicant_name=value)
            | Q(id_number=value.upper())
        )

    @pure_sql
    def filter_approved(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=APPROVED_STATUSES)
        return queryset.exclude(status__in=APPROVED_STATUSES)

    def filter_dealer_unmatched(self, queryset, name, value):
        """The applications whose dealer the platform named but the registry does not hold."""
        if value is None:
            return queryset
        unmatched = Q(dealer__isnull=True) & ~Q(dealer_unmatched_name="")
        return queryset.filter(unmatched) if value else queryset.exclude(unmatched)

    def filter_light(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(light_q(value))


class SubsidyProgrammeFilterSet(BaseFilterSet):
    search_fields = ("name", "note")
    kind = django_filters.ChoiceFilter(choices=ProgrammeKind.choices, label="补贴类型")
    status = django_filters.ChoiceFilter(choices=ProgrammeStatus.choices, label="状态")

    class Meta:
        model = SubsidyProgramme
        fields = ["q", "kind", "status"]
