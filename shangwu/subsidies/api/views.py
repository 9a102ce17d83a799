"""The subsidy API (/api/subsidy-programmes/, /api/subsidy-applications/): the same FilterSets,
services and scope as the pages; the steps of an application are action endpoints."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet
from shangwu.subsidies import services
from shangwu.subsidies.api.serializers import (
    DealerLinkSerializer,
    RejectSerializer,
    StepSerializer,
    SubsidyApplicationSerializer,
    SubsidyProgrammeSerializer,
)
from shangwu.subsidies.filtersets import SubsidyApplicationFilterSet, SubsidyProgrammeFilterSet
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme


class SubsidyProgrammeViewSet(BaseViewSet):
    queryset = (
        SubsidyProgramme.objects.select_related("organiser")
        .prefetch_related("counties", "rules")
        .order_by("-start_on", "-id")
    )
    serializer_class = SubsidyProgrammeSerializer
    filterset_class = SubsidyProgrammeFilterSet

    def create_object(self, data):
        counties = data.pop("counties", [])
        rules = data.pop("rules", [])
        return services.subsidy_programme_create(
            actor=self.request.user, counties=counties, rules=rules, **data
        )

    def update_object(self, instance, data):
        counties = data.pop("counties", None)
        rules = data.pop("rules", None)
        programme = services.subsidy_programme_update(
            programme=instance, actor=self.request.user, counties=counties, rules=rules, **data
        )
        programme._prefetched_objects_cache = {}
        return programme


class SubsidyApplicationViewSet(BaseViewSet):
    queryset = SubsidyApplication.objects.select_related("programme", "dealer", "county").order_by(
        "-accepted_on", "-id"
    )
    serializer_class = SubsidyApplicationSerializer
    filterset_class = SubsidyApplicationFilterSet

    def create_object(self, data):
        return services.subsidy_application_create(actor=self.request.user, **data)

    def update_object(self, instance, data):
        if data.get("subsidy_amount", "") is None:
            data.pop("subsidy_amount")
        return services.subsidy_application_update(
            application=instance, actor=self.request.user, **data
        )

    def _answer(self, application):
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data)

    def _step(self, request, service, params_class, **extra):
        application = self.get_object()
        params = params_class(data=request.data)
        params.is_valid(raise_exception=True)
        self._call(
            lambda: service(application=application, actor=request.user, **params.validated_data)
        )
        return self._answer(application)

    @extend_schema(
        request=StepSerializer,
        responses=SubsidyApplicationSerializer,
        summary="审核通过（受理 → 审核）",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(request, services.subsidy_application_review, StepSerializer)

    @extend_schema(
        request=StepSerializer,
        responses=SubsidyApplicationSerializer,
        summary="拨付（审核 → 拨付）",
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._step(request, services.subsidy_application_pay, StepSerializer)

    @extend_schema(
        request=RejectSerializer,
        responses=SubsidyApplicationSerializer,
        summary="驳回（受理或审核阶段，须填写原因）",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(request, services.subsidy_application_reject, RejectSerializer)

    @extend_schema(
        request=DealerLinkSerializer,
        responses=SubsidyApplicationSerializer,
        summary="关联企业库经销商（本申请及范围内同名待匹配申请）",
    )
    @action(detail=True, methods=["post"], url_path="link-dealer", url_name="link-dealer")
    def link_dealer(self, request, pk=None):
        from shangwu.enterprises.models import Enterprise

        application = self.get_object()
        params = DealerLinkSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        enterprise = (
            Enterprise.objects.restrict(request.user, "view")
            .filter(pk=params.validated_data["enterprise"])
            .first()
        )
        if enterprise is None:
            raise DRFValidationError({"enterprise": ["企业库中（您的数据范围内）没有该企业。"]})
        self._call(
            lambda: services.subsidy_dealer_link(
                application=application, actor=request.user, enterprise=enterprise
            )
        )
        return self._answer(application)


def router_register(router):
    router.register("subsidy-programmes", SubsidyProgrammeViewSet)
    router.register("subsidy-applications", SubsidyApplicationViewSet)
