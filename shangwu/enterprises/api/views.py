from shangwu.core.api import BaseViewSet
from shangwu.enterprises import services
from shangwu.enterprises.api.serializers import EnterpriseSerializer
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


def router_register(router):
    router.register("enterprises", EnterpriseViewSet)
