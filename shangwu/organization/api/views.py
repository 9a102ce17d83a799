from rest_framework import status
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet
from shangwu.organization import services
from shangwu.organization.api.serializers import OrgUnitSerializer, RegionSerializer
from shangwu.organization.filtersets import OrgUnitFilterSet, RegionFilterSet
from shangwu.organization.models import OrgUnit, Region


class ApprovedMoveViewSetMixin:
    """PUT/PATCH go through the same service as the edit page: a move (a unit's region, a
    region's parent or level) is filed as a change request and answered 202 with it; the record
    keeps its place until the 安全管理员 approves."""

    update_service = None  # service(*, <model>, data, actor) -> (obj, request or None)
    instance_kwarg = ""

    def update_object(self, instance, data):
        obj, self.change_request = type(self).update_service(
            **{self.instance_kwarg: instance}, data=data, actor=self.request.user
        )
        return obj

    def update(self, request, *args, **kwargs):
        self.change_request = None
        response = super().update(request, *args, **kwargs)
        change = self.change_request
        if change is None:
            return response
        return Response(
            {
                **response.data,
                "change_request": {
                    "id": change.pk,
                    "status": change.get_status_display(),
                    "changes": change.changes_text(),
                },
                "detail": f"{'、'.join(c['label'] for c in change.changes)}须经安全管理员审批后生效，已提交申请 #{change.pk}。",
            },
            status=status.HTTP_202_ACCEPTED,
        )


class RegionViewSet(ApprovedMoveViewSetMixin, BaseViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    update_service = services.region_update
    instance_kwarg = "region"


class OrgUnitViewSet(ApprovedMoveViewSetMixin, BaseViewSet):
    queryset = OrgUnit.objects.select_related("region")
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    update_service = services.orgunit_update
    instance_kwarg = "unit"


def router_register(router):
    router.register("regions", RegionViewSet)
    router.register("org-units", OrgUnitViewSet)
