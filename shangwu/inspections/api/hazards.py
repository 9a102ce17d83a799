"""/api/hazards/ (§6/§9): the hazards in the user's scope (the page's FilterSet, lights
included), with ``rectify`` and ``recheck`` (and ``close``) actions calling the same services
as the hazard page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.core.api import BaseViewSet, _service_answer
from shangwu.inspections import rectification
from shangwu.inspections.choices import RecheckResult
from shangwu.inspections.filtersets import HazardFilterSet
from shangwu.inspections.models import Hazard


class HazardSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    light = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = [
            "id",
            "inspection",
            "site",
            "site_name",
            "county",
            "township",
            "description",
            "severity",
            "found_on",
            "deadline_days",
            "deadline",
            "status",
            "light",
            "rectified_on",
            "rectify_note",
            "recheck_on",
            "recheck_result",
            "recheck_note",
            "closed_at",
            "referred_to",
            "referred_on",
        ]
        read_only_fields = fields

    def get_light(self, obj) -> str:
        return rectification.hazard_light(obj)


class RectifyParamsSerializer(serializers.Serializer):
    note = serializers.CharField(label="整改情况")
    rectified_on = serializers.DateField(label="整改完成日期", required=False, allow_null=True)


class RecheckParamsSerializer(serializers.Serializer):
    result = serializers.ChoiceField(label="复查结果", choices=RecheckResult.choices)
    recheck_on = serializers.DateField(label="复查日期", required=False, allow_null=True)
    note = serializers.CharField(label="复查意见", required=False, allow_blank=True)


class CloseParamsSerializer(serializers.Serializer):
    note = serializers.CharField(label="销号说明", required=False, allow_blank=True)


class HazardViewSet(BaseViewSet):
    """隐患: read, and the steps 整改 → 复查 → 销号 as actions."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = Hazard.objects.select_related("site").order_by("deadline", "id")
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet

    def create(self, request, *args, **kwargs):
        return Response({"detail": "隐患由提交的检查生成，不能直接新建。"}, status=405)

    def _step(self, service, params_class, request):
        hazard = self.get_object()
        params = params_class(data=request.data)
        params.is_valid(raise_exception=True)
        _, error = _service_answer(
            service, hazard=hazard, actor=request.user, **params.validated_data
        )
        if error:
            return error
        return Response(self.get_serializer(self.get_queryset().get(pk=hazard.pk)).data)

    @extend_schema(request=RectifyParamsSerializer, responses=HazardSerializer, summary="报告整改")
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        return self._step(rectification.hazard_rectify, RectifyParamsSerializer, request)

    @extend_schema(
        request=RecheckParamsSerializer, responses=HazardSerializer, summary="复查（已整改/未整改）"
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        return self._step(rectification.hazard_recheck, RecheckParamsSerializer, request)

    @extend_schema(request=CloseParamsSerializer, responses=HazardSerializer, summary="销号")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(rectification.hazard_close, CloseParamsSerializer, request)
