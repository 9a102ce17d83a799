from shangwu.core.api import BaseViewSet
from shangwu.organization.api.serializers import OrgUnitSerializer, RegionSerializer
from shangwu.organization.filtersets import OrgUnitFilterSet, RegionFilterSet
from shangwu.organization.models import OrgUnit, Region


class RegionViewSet(BaseViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet


class OrgUnitViewSet(BaseViewSet):
    queryset = OrgUnit.objects.select_related("region")
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet


def router_register(router):
    router.register("regions", RegionViewSet)
    router.register("org-units", OrgUnitViewSet)
