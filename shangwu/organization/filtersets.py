import django_filters

from shangwu.core.filtersets import BaseFilterSet
from shangwu.organization.choices import OrgUnitKind, RegionLevel
from shangwu.organization.models import OrgUnit, Region


class RegionFilterSet(BaseFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label="层级")
    parent = django_filters.ModelChoiceFilter(
        queryset=Region.objects.exclude(level=RegionLevel.TOWNSHIP), label="上级区划"
    )

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]


class OrgUnitFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name")
    kind = django_filters.ChoiceFilter(choices=OrgUnitKind.choices, label="类型")
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label="所属区划")

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "region", "is_active"]
