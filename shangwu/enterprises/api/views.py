from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet
from shangwu.enterprises import services
from shangwu.enterprises.api.serializers import EnterpriseSerializer, EnterpriseStatusSerializer
from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.models import Enterprise


class EnterpriseViewSet(BaseViewSet):
    queryset = Enterprise.objects.select_related("county", "township")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def create_object(self, data):
        return services.enterprise_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.enterprise_update(enterprise=instance, actor=self.request.user, **data)

    @extend_schema(
        request=EnterpriseStatusSerializer,
        responses=EnterpriseSerializer,
        summary="注销/吊销/迁出（或恢复存续）：须填原因，记录和历史保留（与网页同一服务）",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        enterprise = self.get_object()
        params = EnterpriseStatusSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with transaction.atomic():
            self._call(
                lambda: services.enterprise_change_status(
                    enterprise=enterprise, actor=request.user, **params.validated_data
                )
            )
        return Response(
            EnterpriseSerializer(enterprise, context=self.get_serializer_context()).data
        )


def router_register(router):
    router.register("enterprises", EnterpriseViewSet)
