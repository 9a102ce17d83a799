from shangwu.core.forms import BaseModelForm
from shangwu.organization.models import OrgUnit, Region


class RegionForm(BaseModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "sort_order"]


class OrgUnitForm(BaseModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "short_name", "kind", "region", "parent", "is_active", "sort_order"]
