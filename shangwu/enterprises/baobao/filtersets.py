"""FilterSets of the enterprise service records: one per model, shared by page, export and API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from shangwu.core.filtersets import BaseFilterSet
from shangwu.enterprises.choices import AssignmentLevel, AssignmentRole, ProblemStatus, VisitForm
from shangwu.enterprises.models import Assignment, Contact, Visit
from shangwu.enterprises.selectors import official_list_visible
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region


def _officials(request):
    return official_list_visible(user=getattr(request, "user", None))


class EnterpriseScopedFilterSet(BaseFilterSet):
    """County filter through the enterprise (its choices limited to the user's own county by the
    base)."""

    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label="企业", widget=forms.HiddenInput
    )
    county = django_filters.ModelChoiceFilter(
        field_name="enterprise__county",
        queryset=Region.objects.filter(level=RegionLevel.COUNTY),
        label="县(市、区)",
    )
    # A figure's drill-down to one township (core.figures); no visible control.
    township = django_filters.ModelChoiceFilter(
        field_name="enterprise__township",
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP),
        label="乡镇(街道)",
        widget=forms.HiddenInput,
    )


class ContactFilterSet(EnterpriseScopedFilterSet):
    # Never search phone numbers: a search box would let anyone guess a masked number digit by digit.
    search_fields = ("name", "position", "email", "enterprise__name")
    is_primary = django_filters.BooleanFilter(label="主要联系人")

    class Meta:
        model = Contact
        fields = ["q", "county", "is_primary", "enterprise"]


class AssignmentFilterSet(EnterpriseScopedFilterSet):
    search_fields = ("enterprise__name", "official__name", "note")
    level = django_filters.ChoiceFilter(choices=AssignmentLevel.choices, label="包保层级")
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices, label="包保角色")
    official = django_filters.ModelChoiceFilter(queryset=_officials, label="包保人员")
    current = django_filters.BooleanFilter(method="filter_current", label="当前有效")

    class Meta:
        model = Assignment
        fields = ["q", "county", "level", "role", "official", "current", "enterprise"]

    def filter_current(self, queryset, name, value):
        current = Assignment.objects.current(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class VisitFilterSet(EnterpriseScopedFilterSet):
    form = django_filters.ChoiceFilter(choices=VisitForm.choices, label="走访形式")
    date_from = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label="走访日期自"
    )
    date_to = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label="至")
    official = django_filters.ModelChoiceFilter(
        field_name="officials", queryset=_officials, label="走访人员"
    )
    problem_status = django_filters.ChoiceFilter(
        choices=ProblemStatus.choices, method="filter_problem_status", label="问题状态"
    )

    class Meta:
        model = Visit
        fields = [
            "q",
            "county",
            "form",
            "date_from",
            "date_to",
            "official",
            "problem_status",
            "enterprise",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.form.fields[name].widget.input_type = "date"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        hits = Visit.objects.filter(
            Q(enterprise__name__icontains=value)
            | Q(notes__icontains=value)
            | Q(problems__description__icontains=value)
        ).values("pk")
        return queryset.filter(pk__in=hits)

    def filter_problem_status(self, queryset, name, value):
        return queryset.filter(pk__in=Visit.objects.filter(problems__status=value).values("pk"))
