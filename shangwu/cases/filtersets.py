import django_filters
from django import forms
from django.db.models import F, Q

from shangwu.accounts.choices import Role
from shangwu.cases import statistics
from shangwu.cases.choices import (
    LIGHT_LEVEL,
    CaseKind,
    CaseSource,
    CaseStatus,
    Light,
    SupervisionLevel,
)
from shangwu.cases.models import (
    Case,
    CaseCategory,
    CaseCategoryMapping,
    DeadlineRuleSet,
    Notification,
)
from shangwu.core.filtersets import BaseFilterSet, VocabularyFilterSet, pure_sql
from shangwu.organization.choices import OrgUnitKind, RegionLevel
from shangwu.organization.models import OrgUnit, Region

QUEUES = [
    ("to_assign", "待交办"),
    ("to_sign", "待签收"),
    ("to_handle", "待办理"),
    ("to_review", "待审核"),
    ("to_revisit", "待回访"),
]


def queue_q(queue: str, user):
    """The 我的待办 groups as filters (one definition for the panel and the list)."""
    from django.db.models import Q

    unit = getattr(user, "org_unit_id", None)
    to_assign = Q(assigning_unit_id=unit, status__in=[CaseStatus.REGISTERED, CaseStatus.RETURNED])
    if queue == "to_assign" and getattr(user, "role", None) == Role.LEADER:
        # A leader holds the dispatcher role of the units under their own (the bureau's 办公室
        # and 科室 dispatch in its name): a case returned (退回) to one of them is the leader's
        # to re-assign too.
        under = OrgUnit.objects.filter(parent_id=unit).values("pk")
        to_assign |= Q(assigning_unit_id__in=under, status=CaseStatus.RETURNED)
    # The liaison signs for and handles the cases it assigned to units outside the bureau.
    lead = Q(lead_unit_id=unit)
    if queue in ("to_sign", "to_handle"):
        external = OrgUnit.objects.filter(kind=OrgUnitKind.EXTERNAL).values("pk")
        lead |= Q(assigning_unit_id=unit, lead_unit_id__in=external)
    return {
        "to_assign": to_assign,
        "to_sign": lead & Q(status=CaseStatus.ASSIGNED),
        "to_handle": lead & Q(status=CaseStatus.HANDLING),
        "to_review": Q(assigning_unit_id=unit, status=CaseStatus.REVIEW),
        "to_revisit": Q(assigning_unit_id=unit, status=CaseStatus.REVISIT),
    }.get(queue)


class CaseFilterSet(BaseFilterSet):
    search_fields = ("number", "title", "content", "enterprise__name")

    status = django_filters.MultipleChoiceFilter(label="状态", choices=CaseStatus.choices)
    light = django_filters.ChoiceFilter(
        label="预警灯", choices=Light.choices, method="filter_light"
    )
    source = django_filters.ChoiceFilter(label="来源", choices=CaseSource.choices)
    kind = django_filters.ChoiceFilter(label="类型", choices=CaseKind.choices)
    category = django_filters.ModelChoiceFilter(label="类别", queryset=CaseCategory.objects.all())
    county = django_filters.ModelChoiceFilter(
        label="县(市、区)", queryset=Region.objects.filter(level=RegionLevel.COUNTY)
    )
    # A figure's drill-down to one township (``core.figures``); no visible control.
    township = django_filters.ModelChoiceFilter(
        label="乡镇(街道)", queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP)
    )
    lead_unit = django_filters.ModelChoiceFilter(
        label="主办单位", queryset=OrgUnit.objects.filter(is_active=True)
    )
    # TypedChoiceField offers no empty choice of its own: without this one the select opened on
    # 无, and every 筛选 hid the supervised cases.
    supervision_level = django_filters.TypedChoiceFilter(
        label="督办级别",
        choices=[("", "全部"), *SupervisionLevel.choices],
        coerce=int,
        method="filter_supervision",
    )
    overdue = django_filters.BooleanFilter(label="超期未办结", method="filter_overdue")
    received_from = django_filters.DateFilter(label="受理日期自", method="filter_received_from")
    received_to = django_filters.DateFilter(label="受理日期至", method="filter_received_to")
    queue = django_filters.ChoiceFilter(label="我的待办", choices=QUEUES, method="filter_queue")
    measure = django_filters.ChoiceFilter(
        label="统计口径",
        method="filter_measure",
        choices=[(k, v[0]) for k, v in statistics.MEASURES.items()],
    )
    unassigned = django_filters.BooleanFilter(label="未交办", method="filter_unassigned")
    # The 工作台's 待审批延期/挂起 (figure ``cases.extensions_pending``); no visible control.
    extension_pending = django_filters.BooleanFilter(
        label="待本单位审批延期/挂起", method="filter_extension_pending"
    )
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "light",
            "source",
            "kind",
            "category",
            "county",
            "lead_unit",
            "supervision_level",
            "overdue",
            "received_from",
            "received_to",
            "queue",
            "measure",
        ]

    # ``core.figures.breakdown``: the cases without a lead unit are the group 未交办.
    figure_none_params = {"lead_unit": {"unassigned": "true"}}

    @staticmethod
    def figure_condition(name, value):
        """A figure's ``measure`` as a condition (``core.figures.breakdown`` counts several
        measures in one GROUP BY); None for any other filter (read as ``pk IN`` its rows)."""
        if name == "measure" and value in statistics.MEASURES:
            return statistics.POPULATION & statistics.MEASURES[value][1]
        return None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Drill-down parameters travel with the query string but need no visible control.
        self.form.fields["enterprise"].widget = forms.HiddenInput()
        self.form.fields["unassigned"].widget = forms.HiddenInput()
        self.form.fields["township"].widget = forms.HiddenInput()
        self.form.fields["extension_pending"].widget = forms.HiddenInput()

    def filter_light(self, queryset, name, value):
        from shangwu.cases.deadlines import light_q

        return queryset.filter(light_q(value)) if value else queryset

    def filter_supervision(self, queryset, name, value):
        """督办级别 as ``Case.supervision`` reads it: 挂牌督办 by hand, else 督办 while red and 催办
        while yellow."""
        from shangwu.cases.deadlines import light_q

        if value in (None, ""):
            return queryset
        listed = Q(supervision_level__gte=SupervisionLevel.LISTED)
        if value == SupervisionLevel.LISTED:
            return queryset.filter(listed)
        light = {level: light for light, level in LIGHT_LEVEL.items()}.get(value, Light.GREEN)
        return queryset.filter(light_q(light)).exclude(listed)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = statistics.MEASURES["overdue"][1]
        return queryset.filter(q) if value else queryset.exclude(q)

    @pure_sql
    def filter_received_from(self, queryset, name, value):
        import datetime

        from shangwu.cases.deadlines import end_of_day

        return queryset.filter(received_at__gt=end_of_day(value - datetime.timedelta(days=1)))

    @pure_sql
    def filter_received_to(self, queryset, name, value):
        from shangwu.cases.deadlines import end_of_day

        return queryset.filter(received_at__lte=end_of_day(value))

    @pure_sql
    def filter_queue(self, queryset, name, value):
        q = queue_q(value, getattr(self.request, "user", None))
        if q is None:
            return queryset
        return queryset.filter(q).order_by(F("next_deadline_at").asc(nulls_last=True), "id")

    def filter_measure(self, queryset, name, value):
        return queryset.filter(statistics.POPULATION, statistics.MEASURES[value][1])

    @pure_sql
    def filter_unassigned(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(lead_unit__isnull=value)

    @pure_sql
    def filter_extension_pending(self, queryset, name, value):
        """Cases assigned by the asking user's unit with a 延期/挂起 request waiting for its
        decision (the cases behind ``selectors.extension_list_pending``)."""
        if value is None:
            return queryset
        cond = pending_extension_q(getattr(self.request, "user", None))
        return queryset.filter(cond) if value else queryset.exclude(cond)


def pending_extension_q(user) -> Q:
    from django.db.models import Exists, OuterRef

    from shangwu.cases.choices import ExtensionStatus
    from shangwu.cases.models import CaseExtension

    pending = CaseExtension.objects.filter(case=OuterRef("pk"), status=ExtensionStatus.PENDING)
    return Q(assigning_unit_id=getattr(user, "org_unit_id", None)) & Q(Exists(pending))


class NotificationFilterSet(BaseFilterSet):
    """The user's own notifications (the queryset is ``Notification.objects.restrict``)."""

    search_fields = ("text",)
    unread = django_filters.BooleanFilter(label="未读", method="filter_unread")

    class Meta:
        model = Notification
        fields = ["q", "unread"]

    @pure_sql
    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class CategoryFilterSet(VocabularyFilterSet):
    class Meta:
        model = CaseCategory
        fields = ["q", "is_active"]


class CategoryMappingFilterSet(BaseFilterSet):
    search_fields = ("keyword", "category__name")

    class Meta:
        model = CaseCategoryMapping
        fields = ["q", "origin_kind", "category"]


class RuleSetFilterSet(BaseFilterSet):
    search_fields = ("name", "note")

    class Meta:
        model = DeadlineRuleSet
        fields = ["q", "source", "is_current"]
