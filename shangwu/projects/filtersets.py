import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shangwu.accounts.choices import ROLE_LEVEL
from shangwu.accounts.models import User
from shangwu.core.filtersets import (
    BaseFilterSet,
    VocabularyFilterSet,
    county_filter,
    township_filter,
)
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.projects.choices import InvestorType, Origin
from shangwu.projects.models import IndustryChain, Project, ProjectFunds, ProjectLeader, Stage


def leader_choices(request):
    return officials_for(getattr(request, "user", None))


def officials_for(user):
    """Officials a user may pick as 包保领导 or filter by: the city's and those of the user's own
    county (never a sibling county's people)."""
    qs = User.objects.filter(is_active=True, role__in=list(ROLE_LEVEL)).select_related(
        "org_unit__region"
    )
    region = getattr(user, "region", None)
    if region is None:
        return qs.none()
    if region.level != RegionLevel.CITY:
        county = region.county
        qs = qs.filter(
            Q(org_unit__region__level=RegionLevel.CITY)
            | Q(org_unit__region=county)
            | Q(org_unit__region__parent=county)
        )
    return qs.order_by("org_unit__region__code", "name", "id")


@extend_schema_field(OpenApiTypes.INT)
class LeaderFilter(django_filters.ModelChoiceFilter):
    """A user id (包保领导); typed for the OpenAPI schema, which cannot infer a method filter."""


class ProjectFilterSet(BaseFilterSet):
    """One FilterSet for the list, the kanban board, the export, the ledger and the API. The
    ``<milestone>_from`` / ``<milestone>_to`` pairs are what every "三个一批" figure links to."""

    stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.all(), label="阶段")
    county = county_filter()
    township = township_filter()
    chain = django_filters.ModelChoiceFilter(
        queryset=IndustryChain.objects.all(), label="产业链", null_label="（未填）"
    )
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label="资金来源")
    investor_type = django_filters.ChoiceFilter(choices=InvestorType.choices, label="投资方类型")
    is_key = django_filters.BooleanFilter(label="重点项目")
    is_manufacturing = django_filters.BooleanFilter(label="制造业")
    is_foreign = django_filters.BooleanFilter(label="外资")
    is_fortune500 = django_filters.BooleanFilter(label="世界500强")
    in_provincial_ledger = django_filters.BooleanFilter(label="纳入省台账")
    leader = LeaderFilter(queryset=leader_choices, method="filter_leader", label="包保领导")
    investment_min = django_filters.NumberFilter(
        field_name="total_investment", lookup_expr="gte", label="总投资不低于（万元）"
    )
    investment_max = django_filters.NumberFilter(
        field_name="total_investment", lookup_expr="lte", label="总投资不高于（万元）"
    )
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label="签约日期自"
    )
    signed_to = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="lte", label="签约日期至"
    )
    registered_from = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="gte", label="注册日期自"
    )
    registered_to = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="lte", label="注册日期至"
    )
    started_from = django_filters.DateFilter(
        field_name="started_on", lookup_expr="gte", label="开工日期自"
    )
    started_to = django_filters.DateFilter(
        field_name="started_on", lookup_expr="lte", label="开工日期至"
    )
    producing_from = django_filters.DateFilter(
        field_name="producing_on", lookup_expr="gte", label="投产日期自"
    )
    stage_terminal = django_filters.BooleanFilter(
        field_name="stage__is_terminal", label="已终结（落地投产或终止）"
    )
    producing_to = django_filters.DateFilter(
        field_name="producing_on", lookup_expr="lte", label="投产日期至"
    )

    # Shown in the page's filter bar; the date pairs stay in the URL (hidden) when set.
    visible = (
        "q",
        "stage",
        "county",
        "chain",
        "origin",
        "investor_type",
        "is_key",
        "is_manufacturing",
        "is_foreign",
        "is_fortune500",
        "in_provincial_ledger",
        "leader",
        "investment_min",
        "investment_max",
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "stage",
            "county",
            "township",
            "chain",
            "origin",
            "investor_type",
            "is_key",
            "is_manufacturing",
            "is_foreign",
            "is_fortune500",
            "in_provincial_ledger",
            "leader",
            "investment_min",
            "investment_max",
            "signed_from",
            "signed_to",
            "registered_from",
            "registered_to",
            "started_from",
            "started_to",
            "producing_from",
            "producing_to",
            "stage_terminal",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for name, field in self.form.fields.items():
            if name not in self.visible:
                field.widget = forms.HiddenInput()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(investor_name__icontains=value)
            | Q(site__icontains=value)
            | Q(name_pinyin__startswith=value.lower())
        )

    def filter_leader(self, queryset, name, value):
        current = ProjectLeader.objects.current(timezone.localdate()).filter(
            project=OuterRef("pk"), official=value
        )
        return queryset.filter(Exists(current))


class StageFilterSet(VocabularyFilterSet):
    class Meta:
        model = Stage
        fields = ["q", "is_active", "milestone", "is_terminal"]


class IndustryChainFilterSet(VocabularyFilterSet):
    class Meta:
        model = IndustryChain
        fields = ["q", "is_active"]


class ProjectFundsFilterSet(BaseFilterSet):
    """The monthly 到位资金 rows: what the funds figures (core.figures) drill down to."""

    search_fields = ("project__name", "project__code")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label="月份自")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", label="月份至")
    county = django_filters.ModelChoiceFilter(
        field_name="project__county",
        queryset=Region.objects.filter(level=RegionLevel.COUNTY),
        label="县(市、区)",
    )
    township = django_filters.ModelChoiceFilter(
        field_name="project__township",
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP),
        label="乡镇(街道)",
        widget=forms.HiddenInput,
    )
    project = django_filters.NumberFilter(
        field_name="project_id", label="项目", widget=forms.HiddenInput
    )

    class Meta:
        model = ProjectFunds
        fields = ["q", "month_from", "month_to", "county", "township", "project"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for name in ("month_from", "month_to"):
            self.form.fields[name].widget.input_type = "date"
        self.narrow_to_user_region(township=None)
