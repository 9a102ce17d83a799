"""The voucher API: /api/voucher-campaigns/ (list, detail, create, update through the same
services and FilterSet as the pages; ``move``, ``batches``, ``import`` and ``figures``
actions), and the read-only lists the ``vouchers.`` figures drill down to: batches, daily
totals and merchants."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from shangwu.core import imports as core_imports
from shangwu.core.access import refusal
from shangwu.core.api import BaseViewSet, _service_answer
from shangwu.vouchers import selectors, services
from shangwu.vouchers.api.serializers import (
    VoucherBatchSerializer,
    VoucherCampaignMoveSerializer,
    VoucherCampaignSerializer,
    VoucherDailySerializer,
    VoucherImportSerializer,
    VoucherMerchantSerializer,
)
from shangwu.vouchers.filtersets import (
    VoucherBatchFilterSet,
    VoucherCampaignFilterSet,
    VoucherDailyFilterSet,
    VoucherMerchantFilterSet,
)
from shangwu.vouchers.imports import VoucherRedemptionImporter
from shangwu.vouchers.models import (
    VoucherBatch,
    VoucherCampaign,
    VoucherDaily,
    VoucherMerchant,
    VoucherRedemption,
)

PREVIEW_ERRORS = 200


class VoucherCampaignViewSet(BaseViewSet):
    queryset = (
        VoucherCampaign.objects.select_related("organiser")
        .prefetch_related("counties", "batches")
        .order_by("-start_on", "-id")
    )
    serializer_class = VoucherCampaignSerializer
    filterset_class = VoucherCampaignFilterSet

    def get_queryset(self):
        if self.action == "import_redemptions":
            # A county imports its own county's rows into any campaign covering it.
            return self.queryset.all().restrict(self.request.user, "import")
        return super().get_queryset()

    def create_object(self, data):
        counties = data.pop("counties", [])
        return services.voucher_campaign_create(actor=self.request.user, counties=counties, **data)

    def update_object(self, instance, data):
        counties = data.pop("counties", None)
        campaign = services.voucher_campaign_update(
            campaign=instance, actor=self.request.user, counties=counties, **data
        )
        campaign._prefetched_objects_cache = {}
        return campaign

    def _answer(self, campaign):
        campaign = self.queryset.get(pk=campaign.pk)
        return Response(VoucherCampaignSerializer(campaign).data)

    @extend_schema(
        request=VoucherCampaignMoveSerializer,
        responses=VoucherCampaignSerializer,
        summary="状态推进（筹备 → 发放中 → 已结束）",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        campaign = self.get_object()
        params = VoucherCampaignMoveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        self._call(
            lambda: services.voucher_campaign_move(
                campaign=campaign, actor=request.user, **params.validated_data
            )
        )
        return self._answer(campaign)

    @extend_schema(
        request=VoucherBatchSerializer,
        responses={201: VoucherBatchSerializer},
        summary="新增券批次（名称与平台导出中的“券批次”一致）",
    )
    @action(detail=True, methods=["post"])
    def batches(self, request, pk=None):
        campaign = self.get_object()
        params = VoucherBatchSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        row, refused = _service_answer(
            services.voucher_batch_add,
            campaign=campaign,
            actor=request.user,
            **params.validated_data,
        )
        return refused or Response(VoucherBatchSerializer(row).data, status=201)

    @extend_schema(
        request={"multipart/form-data": VoucherImportSerializer},
        responses={200: OpenApiTypes.OBJECT},
        summary="导入核销数据：预览（commit=false）或确认导入（commit=true），全部或全不",
    )
    @action(detail=True, methods=["post"], url_path="import", url_name="import")
    def import_redemptions(self, request, pk=None):
        reason = refusal(request.user, VoucherRedemption, "import")
        if reason is not None:
            raise ApiPermissionDenied(reason)
        campaign = self.get_object()
        params = VoucherImportSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        uploaded = params.validated_data["file"]
        importer = VoucherRedemptionImporter()
        name = uploaded.name or "upload"
        token = None
        try:
            token, path = core_imports.store_upload(uploaded, max_bytes=importer.upload_limit())
            kind = core_imports.check_upload(
                path, name=name, kinds=importer.kinds, max_bytes=importer.upload_limit()
            )
            rows = importer.read(path, kind)
            run = importer.commit if params.validated_data["commit"] else importer.preview
            try:
                result = run(rows=rows, actor=request.user, file_name=name, campaign=campaign.pk)
            except PermissionDenied as exc:
                raise ApiPermissionDenied(str(exc)) from exc
        except core_imports.UploadRejected as exc:
            core_imports.audit_upload(
                model=VoucherRedemption, name=name, size=uploaded.size, refused=str(exc)
            )
            return Response({"file": [str(exc)]}, status=400)
        finally:
            if token:
                core_imports.discard_stored(token)
        if not result.committed:
            core_imports.audit_upload(
                model=VoucherRedemption,
                name=name,
                size=uploaded.size,
                detail=f"预览 {result.total} 行，错误 {len(result.errors)} 处，未写入。",
            )
        body = {
            "file_name": result.file_name,
            "committed": result.committed,
            "total": result.total,
            "new": result.created,
            "already_stored": result.unchanged,
            "file_error": result.file_error,
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
                for e in result.errors[:PREVIEW_ERRORS]
            ],
            "error_count": len(result.errors) + result.context.get("more_errors", 0),
            "merchants": {
                k: result.context.get(k)
                for k in ("new_merchants", "matched_by_code", "matched_by_name", "unmatched")
            },
            "name_matches": [
                {"merchant": m, "enterprise": e} for m, e in result.context.get("name_matches", [])
            ],
        }
        status = 200 if result.ok else 400
        return Response(body, status=status)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="活动的核销数字：合计、杠杆率、每日、按县区、按行业、按批次、商户前十（本人范围内）",
    )
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        campaign = self.get_object()
        if request.user.region is None or request.user.region.level == "township":
            raise ApiPermissionDenied("核销数据按县(市、区)查看，乡镇(街道)用户不显示。")
        data = selectors.campaign_detail_context(user=request.user, campaign=campaign)
        for row in data["batches"]:
            batch = row.pop("batch")
            row.update(batch=batch.pk, name=batch.name, quantity=batch.quantity)
        for row in data["top_merchants"]:
            merchant, county = row.pop("merchant"), row.pop("county")
            row.update(
                merchant=merchant.pk,
                name=merchant.name,
                enterprise=merchant.enterprise_id,
                county=county.name if county else None,
            )
        return Response(data)


class _ReadOnly(BaseViewSet):
    http_method_names = ["get", "head", "options"]


class VoucherBatchViewSet(_ReadOnly):
    queryset = VoucherBatch.objects.select_related("campaign").order_by("campaign_id", "id")
    serializer_class = VoucherBatchSerializer
    filterset_class = VoucherBatchFilterSet


class VoucherDailyViewSet(_ReadOnly):
    queryset = VoucherDaily.objects.select_related("batch", "county").order_by("day", "id")
    serializer_class = VoucherDailySerializer
    filterset_class = VoucherDailyFilterSet


class VoucherMerchantViewSet(_ReadOnly):
    queryset = VoucherMerchant.objects.order_by("name", "id")
    serializer_class = VoucherMerchantSerializer
    filterset_class = VoucherMerchantFilterSet


def router_register(router):
    router.register("voucher-campaigns", VoucherCampaignViewSet)
    router.register("voucher-batches", VoucherBatchViewSet)
    router.register("voucher-daily", VoucherDailyViewSet)
    router.register("voucher-merchants", VoucherMerchantViewSet)
