import django_filters
from django import forms
from django.db.models import Q

from shangwu.core.filtersets import (
    BaseFilterSet,
    VocabularyFilterSet,
    county_filter,
    pure_sql,
    township_filter,
)
from shangwu.organization.models import OrgUnit
from shangwu.promotion.choices import (
    HELD_STATUSES,
    EventFormat,
    EventLevel,
    EventStatus,
    OrderCurrency,
    OutcomeFamily,
)
from shangwu.promotion.models import EventKind, PromotionEvent


class PromotionEventFilterSet(BaseFilterSet):
    """One FilterSet for the list, 我的活动, the calendar, the export, the API and every
    ``events.`` figure (held=true with the period's start_from / start_to)."""

    kind = django_filters.ModelChoiceFilter(queryset=EventKind.objects.all(), label="活动类型")
    family = django_filters.ChoiceFilter(
        field_name="kind__family", choices=OutcomeFamily.choices, label="成果类别"
    )
    level = django_filters.ChoiceFilter(choices=EventLevel.choices, label="级别")
    county = county_filter(null_label="（全市）")
    township = township_filter()
    organiser = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(is_active=True),
        method="filter_organiser",
        label="主办/协办单位",
    )
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label="状态")
    held = django_filters.BooleanFilter(method="filter_held", label="已举办")
    format = django_filters.ChoiceFilter(choices=EventFormat.choices, label="形式")
    order_currency = django_filters.ChoiceFilter(
        choices=OrderCurrency.choices, label="订单金额单位"
    )
    start_from = django_filters.DateFilter(
        field_name="start_on", lookup_expr="gte", label="开始日期自"
    )
    start_to = django_filters.DateFilter(
        field_name="start_on", lookup_expr="lte", label="开始日期至"
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label="本单位主办或协办")

    # Rows without a county are the city-wide events (a breakdown by county names them so).
    figure_none_params = {"county": {"county": "null"}}
    visible = ("q", "kind", "level", "county", "organiser", "status", "start_from", "start_to")

    class Meta:
        model = PromotionEvent
        fields = [
            "q",
            "kind",
            "family",
            "level",
            "county",
            "township",
            "organiser",
            "status",
            "held",
            "format",
            "order_currency",
            "start_from",
            "start_to",
            "mine",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for name, field in self.form.fields.items():
            if name not in self.visible:
                field.widget = forms.HiddenInput()
        for name in ("start_from", "start_to"):
            self.form.fields[name].widget.input_type = "date"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(venue__icontains=value) | Q(partners__icontains=value)
        )

    @pure_sql
    def filter_held(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=HELD_STATUSES)
        return queryset.exclude(status__in=HELD_STATUSES)

    @pure_sql
    def filter_organiser(self, queryset, name, value):
        if value is None:
            return queryset
        co = PromotionEvent.co_organisers.through.objects.filter(orgunit_id=value.pk).values(
            "promotionevent_id"
        )
        return queryset.filter(Q(organiser_id=value.pk) | Q(pk__in=co))

    @pure_sql
    def filter_mine(self, queryset, name, value):
        """我的活动: the events the user's own unit organises or co-organises."""
        if not value:
            return queryset
        unit = getattr(getattr(self.request, "user", None), "org_unit_id", None)
        if unit is None:
            return queryset.none()
        co = PromotionEvent.co_organisers.through.objects.filter(orgunit_id=unit).values(
            "promotionevent_id"
        )
        return queryset.filter(Q(organiser_id=unit) | Q(pk__in=co))


class EventKindFilterSet(VocabularyFilterSet):
    class Meta:
        model = EventKind
        fields = ["q", "is_active", "family"]
