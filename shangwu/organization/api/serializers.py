from shangwu.core.serializers import CleanedModelSerializer
from shangwu.organization.models import OrgUnit, Region


class RegionSerializer(CleanedModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "sort_order"]


class OrgUnitSerializer(CleanedModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "short_name", "kind", "region", "parent", "is_active", "sort_order"]
