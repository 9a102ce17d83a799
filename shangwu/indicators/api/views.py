import datetime

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.api import BaseViewSet
from shangwu.core.exports import DOCX, XLSX, download
from shangwu.indicators import exports, selectors, services
from shangwu.indicators.api.serializers import (
    BulletinSerializer,
    IndicatorSerializer,
    IndicatorTargetProposalSerializer,
    IndicatorTargetSerializer,
    IndicatorTargetVersionSerializer,
    IndicatorValueRevisionSerializer,
    IndicatorValueSerializer,
    ProposalDecisionSerializer,
)
from shangwu.indicators.filtersets import (
    IndicatorFilterSet,
    IndicatorTargetFilterSet,
    IndicatorTargetProposalFilterSet,
    IndicatorTargetVersionFilterSet,
    IndicatorValueFilterSet,
)
from shangwu.indicators.imports import parse_month
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
    IndicatorValue,
)

MONTH_PARAM = OpenApiParameter(
    "month", str, description="月份，如 2026-05；缺省为各县（市、区）均已报齐的最近月份"
)


class IndicatorViewSet(BaseViewSet):
    """指标目录（系统管理员维护）。"""

    queryset = Indicator.objects.select_related("parent")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet


class IndicatorTargetViewSet(BaseViewSet):
    """年度目标与任务分解：由持“下达年度目标”权限的市局人员设定（每次修改形成新的目标版本，调整须
    填写 reason）；县（市、区）人员请通过 /api/indicator-target-proposals/ 提出调整申请。"""

    queryset = IndicatorTarget.objects.select_related("indicator", "region")
    serializer_class = IndicatorTargetSerializer
    filterset_class = IndicatorTargetFilterSet

    def create_object(self, data):
        data.pop("updated_by", None)
        return services.target_set(actor=self.request.user, **data)

    def update_object(self, instance, data):
        values = {
            "indicator": instance.indicator,
            "year": instance.year,
            "region": instance.region,
            "value": instance.value,
            "note": instance.note,
            **data,
        }
        return services.target_set(actor=self.request.user, **values)


class IndicatorTargetVersionViewSet(BaseViewSet):
    """年度目标版本：每次下达或调整的原值、新值、修改人、时间与原因（只读）。"""

    http_method_names = ["get", "head", "options"]
    queryset = IndicatorTargetVersion.objects.select_related("indicator", "region", "actor")
    serializer_class = IndicatorTargetVersionSerializer
    filterset_class = IndicatorTargetVersionFilterSet


class IndicatorTargetProposalViewSet(BaseViewSet):
    """县（市、区）对本地年度目标的调整申请（POST，须填写 reason）；市局审核：approve / refuse。"""

    http_method_names = ["get", "post", "head", "options"]
    queryset = IndicatorTargetProposal.objects.select_related("indicator", "region")
    serializer_class = IndicatorTargetProposalSerializer
    filterset_class = IndicatorTargetProposalFilterSet

    def create_object(self, data):
        return services.target_propose(
            indicator=data["indicator"],
            year=data["year"],
            region=self.request.user.region,
            value=data["value"],
            reason=data.get("reason", ""),
            actor=self.request.user,
        )

    def _decide(self, request, approve):
        proposal = self.get_object()
        form = ProposalDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        proposal = self._call(
            lambda: services.target_proposal_decide(
                proposal=proposal,
                approve=approve,
                reason=form.validated_data.get("reason", ""),
                actor=request.user,
            )
        )
        return Response(IndicatorTargetProposalSerializer(proposal).data)

    @extend_schema(request=ProposalDecisionSerializer, responses=IndicatorTargetProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=ProposalDecisionSerializer, responses=IndicatorTargetProposalSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(request, False)


class IndicatorValueViewSet(BaseViewSet):
    """月度数据：填报（POST）与更正（PUT/PATCH，须填写 reason）。平台计算的指标不可写。"""

    queryset = IndicatorValue.objects.select_related("indicator", "region")
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilterSet

    def _save(self, data, instance=None):
        base = {f: getattr(instance, f) for f in services.VALUE_FIELDS} if instance else {}
        given = {f: data[f] for f in services.VALUE_FIELDS if f in data}
        if instance is not None and "cumulative_value" in given and "month_value" not in given:
            base["month_value"] = None
        if instance is not None and "month_value" in given and "cumulative_value" not in given:
            base["cumulative_value"] = None
        values = {**base, **given}
        item = services.ValueInput(
            indicator=data.get("indicator") or instance.indicator,
            region=data.get("region") or instance.region,
            **values,
        )
        month = data.get("month") or instance.month
        services.value_save(
            item=item, month=month, reason=data.get("reason", ""), actor=self.request.user
        )
        return IndicatorValue.objects.get(
            indicator=item.indicator, region=item.region, month=month.replace(day=1)
        )

    def create_object(self, data):
        return self._save(data)

    def update_object(self, instance, data):
        return self._save(data, instance)

    @extend_schema(responses=IndicatorValueRevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        value = self.get_object()
        return Response(
            IndicatorValueRevisionSerializer(
                value.revisions.select_related("actor"), many=True
            ).data
        )


def _month(request) -> datetime.date | None:
    text = request.query_params.get("month", "").strip()
    if not text:
        return selectors.value_latest_complete_month(user=request.user)
    try:
        return parse_month(text)
    except ValueError as exc:
        raise serializers.ValidationError({"month": "月份格式应为 2026-05。"}) from exc


class BulletinViewSet(viewsets.ViewSet):
    """月通报：与页面、Excel、Word 相同的计算结果（每个指标一张表，含文字段落）。"""

    queryset = IndicatorValue.objects.all()  # for the role check (RolePermission)

    @extend_schema(parameters=[MONTH_PARAM], responses=BulletinSerializer)
    def list(self, request):
        month = _month(request)
        if month is None:
            return Response({"detail": "暂无指标数据。"}, status=404)
        bulletin = selectors.bulletin_build(user=request.user, month=month)
        data = {
            "month": bulletin.month,
            "label": bulletin.label,
            "cumulative_label": bulletin.cumulative_label,
            "time_progress": str(bulletin.time_progress),
            "scope_note": bulletin.scope_note,
            "target_version": bulletin.target_version,
            "missing_note": bulletin.report.banner if bulletin.report else "",
            "indicators": [
                {
                    "code": i.indicator.code,
                    "name": i.indicator.name,
                    "unit": i.indicator.unit,
                    "computed": i.computed,
                    "paragraph": i.paragraph,
                    "rows": [r.as_dict() for r in i.rows],
                }
                for i in bulletin.indicators
            ],
        }
        return Response(BulletinSerializer(data).data)

    def _download(self, request, kind):
        month = _month(request)
        if month is None:
            return Response({"detail": "暂无指标数据。"}, status=404)
        bulletin = selectors.bulletin_build(user=request.user, month=month)
        if kind == "docx":
            content, ctype = exports.bulletin_docx(bulletin, user=request.user), DOCX
        else:
            content, ctype = exports.bulletin_xlsx(bulletin), XLSX
        # The same row as the page's download (indicators.views.BulletinDownloadView).
        audit_write(
            action=AuditAction.EXPORT,
            object_type=IndicatorValue._meta.label_lower,
            object_repr="月通报",
            detail=f"API 下载{bulletin.label}月通报（.{kind}）",
        )
        return download(content, f"{bulletin.title}.{kind}", ctype)

    @extend_schema(
        parameters=[MONTH_PARAM], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}
    )
    @action(detail=False, methods=["get"])
    def docx(self, request) -> HttpResponse:
        return self._download(request, "docx")

    @extend_schema(
        parameters=[MONTH_PARAM], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}
    )
    @action(detail=False, methods=["get"])
    def xlsx(self, request) -> HttpResponse:
        return self._download(request, "xlsx")


def router_register(router):
    router.register("indicators", IndicatorViewSet)
    router.register("indicator-targets", IndicatorTargetViewSet)
    router.register("indicator-target-versions", IndicatorTargetVersionViewSet)
    router.register("indicator-target-proposals", IndicatorTargetProposalViewSet)
    router.register("indicator-values", IndicatorValueViewSet)
    router.register("indicator-bulletin", BulletinViewSet, basename="indicator-bulletin")
